import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zod from 'zod';
import { bundlingAliases, LAMBDA_BUNDLING } from '#infra/constructs/bundling.ts';
import { repoRoot } from '#infra/local/process.ts';
import { functions } from '#shared/routes/manifest.ts';

/** esbuild with the settings that matter here from `LAMBDA_BUNDLING` (the aliases above all), as CDK runs it. */
const options = (outdir: string) =>
  ({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLING.target,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    alias: bundlingAliases(),
    absWorkingDir: repoRoot,
    outdir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
  }) as const satisfies BuildOptions;

const bundle = (entry: string, outdir: string) => build({ ...options(outdir), entryPoints: { index: entry } });

/** The files of a package that put code in the bundle (metafile.inputs also lists files tree-shaken away). */
const inputsFrom = (meta: Metafile, pkg: string) =>
  Object.values(meta.outputs)
    .flatMap((o) => Object.entries(o.inputs))
    .filter(([f, { bytesInOutput }]) => f.includes(`node_modules/${pkg}/`) && bytesInOutput > 0)
    .map(([f]) => f);

describe('Lambda bundling stubs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'laurel-bundling-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives zod the same exports under the zod stub, with English as the only locale', async () => {
    // Prepare
    const stub = await import(pathToFileURL(join(repoRoot, 'infra/constructs/bundle-stubs/zod-english/index.js')).href);

    // Act
    const names = (o: object) => Object.keys(o).sort();

    // Assess
    expect(names(stub)).toEqual(names(zod));
    expect(names(stub.z)).toEqual(names(zod.z));
    expect(names(stub.z.core)).toEqual(names(zod.z.core));
    expect(names(stub.z.locales)).toEqual(['en']);
    expect(names(stub.z.core.locales)).toEqual(['en']);
  });

  it('bundles zod without its other locales and still reports errors in English', async () => {
    // Prepare
    const entry = join(dir, 'zod-entry.ts');
    await writeFile(
      entry,
      "import { z } from 'zod';\n" +
        'export const messages = [z.string().safeParse(1), z.object({ n: z.number().int().min(2) }).safeParse({ n: 1 })]' +
        '.flatMap((r) => r.error?.issues.map((i) => i.message) ?? []);\n',
    );
    const outdir = join(dir, 'zod');

    // Act
    const { metafile } = await bundle(entry, outdir);
    const { messages } = await import(pathToFileURL(join(outdir, 'index.mjs')).href);

    // Assess
    const locales = inputsFrom(metafile, 'zod').filter((f) => f.includes('/locales/'));
    expect(locales.map((f) => f.replace(/.*\/locales\//, ''))).toEqual(['en.js']);
    expect(messages).toEqual([
      zod.z.string().safeParse(1).error?.issues[0]?.message,
      zod.z.number().min(2).safeParse(1).error?.issues[0]?.message,
    ]);
    expect(messages[0]).toBe('Invalid input: expected string, received number');
  });

  it('leaves nodemailer out of every function bundle and loads node:http without its ES module facade', async () => {
    // Prepare
    const specs = Object.entries(functions);

    // Act: one build of all entries, as CDK builds each of them.
    const { metafile } = await build({
      ...options(join(dir, 'functions')),
      entryPoints: Object.fromEntries(specs.map(([name, spec]) => [name, join(repoRoot, spec.entry)])),
    });
    const outputs = Object.entries(metafile.outputs).map(([file, output]) => ({ file, output }));

    // Assess
    expect(outputs).toHaveLength(specs.length);
    for (const { file, output } of outputs) {
      expect({ file, nodemailer: inputsFrom({ inputs: {}, outputs: { [file]: output } }, 'nodemailer') }).toEqual({
        file,
        nodemailer: [],
      });
      expect({ file, http: output.imports.filter((i) => /^(node:)?http$/.test(i.path)) }).toEqual({ file, http: [] });
    }
    expect(specs.map(([name]) => name)).toEqual(expect.arrayContaining(['notify', 'remind']));
  });

  it('gives the node:http stub the same objects as node:http', async () => {
    // Prepare
    const http = await import('node:http');

    // Act
    const stub = await import(pathToFileURL(join(repoRoot, 'infra/constructs/bundle-stubs/node-http.js')).href);

    // Assess
    expect(stub.default).toBe(http.default);
    for (const name of Object.keys(stub).filter((n) => n !== 'default')) {
      expect({ name, same: stub[name] === (http as Record<string, unknown>)[name] }).toEqual({ name, same: true });
    }
  });
});
