import { A, type RouteSectionProps } from "@solidjs/router";
import { ConnectionBadge } from "./ConnectionBadge.tsx";
import { ThemeToggle } from "./ThemeToggle.tsx";

export function Layout(props: RouteSectionProps) {
  return (
    <div class="app">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <A href="/" class="brand" end>
          <span class="brand-mark" aria-hidden="true" />
          Rozet Control Room
        </A>
        <nav aria-label="Main">
          <A href="/" end>
            Sessions
          </A>
        </nav>
        <div class="header-end">
          <ConnectionBadge />
          <ThemeToggle />
        </div>
      </header>
      <main id="main" class="app-main" tabindex="-1">
        {props.children}
      </main>
    </div>
  );
}
