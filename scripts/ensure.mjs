// Shared by `npm start` and `npm test`: install what is missing, build when the sources are newer than dist.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
}

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** `npm install` (never `npm ci`: this registry mirror lacks the lockfile's optional non-Linux packages). */
export function ensureDependencies() {
  const marker = path.join(root, 'node_modules/.package-lock.json');
  if (mtime(marker) >= mtime(path.join(root, 'package-lock.json')) && mtime(marker) >= mtime(path.join(root, 'package.json'))) return;
  console.log('› installing npm packages');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

export function ensureBuild() {
  const built = mtime(path.join(root, 'dist/index.html'));
  const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'public')), mtime(path.join(root, 'index.html')), mtime(path.join(root, 'vite.config.ts')), mtime(path.join(root, 'package-lock.json')));
  if (built >= sources) return;
  console.log('› building the app');
  run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
}
