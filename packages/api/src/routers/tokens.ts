import { createToken, listTokens, revokeToken } from "@rozet/orchestrator";
import { z } from "zod";
import { adminProcedure, router } from "../trpc.ts";
import { createdTokenOutput, createTokenInput, revokeTokenInput, tokenOutput } from "./access.contracts.ts";

const tags = ["tokens"];

/** Named API tokens (admin only). The secret is in create's answer and nowhere else, ever. */
export const tokenRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: "GET", path: "/api/tokens", tags, summary: "Every token (active first): name, role, created, revoked; never a secret" } })
    .output(z.array(tokenOutput))
    .query(({ ctx }) => listTokens(ctx.room)),
  create: adminProcedure
    .meta({ openapi: { method: "POST", path: "/api/tokens", tags, summary: "Create a named token with a role; the answer carries its secret, once" } })
    .input(createTokenInput)
    .output(createdTokenOutput)
    .mutation(({ ctx, input }) => createToken(ctx.room, input)),
  revoke: adminProcedure
    .meta({ openapi: { method: "POST", path: "/api/tokens/{token}/revoke", tags, summary: "Revoke a token by name or id; refused from its next request on" } })
    .input(revokeTokenInput)
    .output(tokenOutput)
    .mutation(({ ctx, input }) => revokeToken(ctx.room, input)),
});
