/**
 * Admin command line entry point: `npm run admin -- <command> …` (or `npx tsx sync-server/src/admin/cli.ts …`).
 * The commands, their usage text and exit codes are in `commands.ts`.
 */
import { main } from './commands';

// LevelDB handles keep the event loop alive after the store's HTTP side closes: exit explicitly.
process.exit(await main(process.argv.slice(2)));
