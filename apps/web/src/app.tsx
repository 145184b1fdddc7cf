import { Route, Router } from "@solidjs/router";
import { Layout } from "./components/Layout.tsx";
import { AuditPage } from "./pages/admin/AuditPage.tsx";
import { TokensPage } from "./pages/admin/TokensPage.tsx";
import { NotFound } from "./pages/NotFound.tsx";
import { PermissionsPage } from "./pages/permissions/PermissionsPage.tsx";
import { preloadPermissions } from "./pages/permissions/permissions.data.ts";
import { EventInspector } from "./pages/session/EventInspector.tsx";
import { RunLogPage } from "./pages/session/RunLogPage.tsx";
import { SessionPage } from "./pages/session/SessionPage.tsx";
import { preloadEvent, preloadSession } from "./pages/session/session.data.ts";
import { SessionsPage } from "./pages/sessions/SessionsPage.tsx";
import { preloadSessions } from "./pages/sessions/sessions.data.ts";
import { AccessProvider } from "./providers/access.tsx";
import { ApiProvider } from "./providers/api.tsx";
import { CommandsProvider } from "./providers/commands.tsx";
import { ConnectionProvider } from "./providers/connection.tsx";
import { PermissionsProvider } from "./providers/permissions.tsx";

const NoSelection = () => null;

export function App() {
  return (
    <ApiProvider>
      <AccessProvider>
      <ConnectionProvider>
        <PermissionsProvider>
          <CommandsProvider>
          <Router root={Layout}>
            <Route path="/" component={SessionsPage} preload={preloadSessions} />
            <Route path="/permissions" component={PermissionsPage} preload={preloadPermissions} />
            <Route path="/tokens" component={TokensPage} />
            <Route path="/audit" component={AuditPage} />
            <Route path="/sessions/:id/commands/:commandId" component={RunLogPage} />
            {/* One page for both: the timeline stays mounted (and subscribed) while the inspector opens and closes. */}
            <Route path="/sessions/:id" component={SessionPage} preload={preloadSession}>
              <Route path="/" component={NoSelection} />
              <Route path="/events/:seq" component={EventInspector} preload={preloadEvent} />
            </Route>
            <Route path="*404" component={NotFound} />
          </Router>
          </CommandsProvider>
        </PermissionsProvider>
      </ConnectionProvider>
      </AccessProvider>
    </ApiProvider>
  );
}
