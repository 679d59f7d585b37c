// Type-checks every project of tsconfig.json's references; vue-tsc for the one holding .vue files.
import { execFileSync } from 'node:child_process';

const bins = { 'vue-tsc': 'node_modules/vue-tsc/bin/vue-tsc.js', tsc: 'node_modules/typescript/bin/tsc' };
const projects = [
  ['vue-tsc', 'tsconfig.app.json'],
  ['tsc', 'tsconfig.domain.json'],
  ['tsc', 'tsconfig.sw.json'],
  ['tsc', 'tsconfig.server.json'],
  ['tsc', 'tsconfig.node.json'],
  ['tsc', 'tsconfig.tools.json'],
];
for (const [bin, project] of projects) {
  process.stdout.write(`typecheck ${project}\n`);
  execFileSync(process.execPath, [bins[bin], '--noEmit', '-p', project], { stdio: 'inherit' });
}
