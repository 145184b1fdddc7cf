import { A } from "@solidjs/router";

export function NotFound() {
  return (
    <div class="page">
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <A href="/">Go to the sessions</A>.
      </p>
    </div>
  );
}
