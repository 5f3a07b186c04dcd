/**
 * Headless entry: `heirloom <command> …`. Each command lives in its own module
 * under ./commands and exports `run(argv): Promise<number>` (the exit code) and
 * a one-line `summary`. Commands are loaded lazily so `heirloom list` never pays
 * for onnxruntime.
 */
const commands: Record<string, () => Promise<CommandModule>> = {
  import: () => import('./commands/import.ts'),
  list: () => import('./commands/list.ts'),
  serve: () => import('./commands/serve.ts'),
  restore: () => import('./commands/restore.ts'),
  export: () => import('./commands/export.ts')
};

export interface CommandModule {
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

async function help(): Promise<string> {
  const lines = ['usage: heirloom <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    try {
      const mod = await load();
      lines.push(`  ${mod.usage}`, `      ${mod.summary}`);
    } catch {
      lines.push(`  ${name}`);
    }
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`heirloom: unknown command "${name}"\n\n${await help()}`);
    return 2;
  }
  const mod = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: heirloom ${mod.usage}\n\n${mod.summary}`);
    return 0;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`heirloom ${name}: ${message}`);
    return 1;
  }
}
