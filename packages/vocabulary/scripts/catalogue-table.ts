// Prints docs/events.md §7 from the catalogue: `npm run catalogue:table -w @rozet/vocabulary`, then paste it over
// the table (the contract test in packages/orchestrator/test/event-catalogue-docs.test.ts checks it).
import { catalogueTable } from "../src/index.ts";

console.log(catalogueTable());
