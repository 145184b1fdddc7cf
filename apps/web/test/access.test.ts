import { describe, expect, it } from "vitest";
import { canChangeSessions, canOperate, isAdmin, needsSignIn, type AccessInfo } from "../src/lib/access.ts";

const as = (role: "viewer" | "operator" | "admin" | null, extra: Partial<AccessInfo> = {}): AccessInfo => ({
  tokenRequired: true,
  principal: role ? { name: `t-${role}`, role } : null,
  observeOnly: false,
  ...extra,
});

describe("access", () => {
  it("asks to sign in only when a token is required and none was recognised", () => {
    expect(needsSignIn(as(null))).toBe(true);
    expect(needsSignIn(as("viewer"))).toBe(false);
    expect(needsSignIn({ tokenRequired: false, principal: { name: "local", role: "admin" }, observeOnly: false })).toBe(false);
  });

  it("lets operators and admins operate, never viewers or anyone in an observe-only room", () => {
    expect(canOperate(as("viewer"))).toBe(false);
    expect(canOperate(as("operator"))).toBe(true);
    expect(canOperate(as("admin"))).toBe(true);
    expect(canOperate(as(null))).toBe(false);
    expect(canOperate(as("admin", { observeOnly: true }))).toBe(false);
    expect(canOperate(as("operator", { observeOnly: true }))).toBe(false);
  });

  it("keeps sessions changeable in observe-only mode for operators, not for viewers", () => {
    expect(canChangeSessions(as("operator", { observeOnly: true }))).toBe(true);
    expect(canChangeSessions(as("viewer"))).toBe(false);
  });

  it("knows admins", () => {
    expect(isAdmin(as("admin"))).toBe(true);
    expect(isAdmin(as("operator"))).toBe(false);
    expect(isAdmin(as(null))).toBe(false);
  });
});
