import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import * as pdfLib from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as zod from 'zod';
import { bundlingAliases, LAMBDA_BUNDLING } from '#infra/constructs/bundling.ts';
import { repoRoot } from '#infra/local/process.ts';
import { type CertificateInput, renderCertificatePdf } from '#services/wallet/domain/certificate-pdf.ts';
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

/** What pdf-lib reads from a standard font's metrics (widths with kerning, height, encodable characters), per font. */
const fontMetrics = async (lib: typeof pdfLib) => {
  const doc = await lib.PDFDocument.create();
  const sample = 'AVAILABLE: To Wa Yo — “Quoted”, 0123456789 fi fl ÆØÅ äöü ñ';
  return Promise.all(
    [lib.StandardFonts.Helvetica, lib.StandardFonts.HelveticaBold].map(async (name) => {
      const font = await doc.embedFont(name);
      return {
        name,
        width: font.widthOfTextAtSize(sample, 12),
        height: font.heightAtSize(12),
        characters: font.getCharacterSet().length,
      };
    }),
  );
};

describe('Lambda bundling stubs', () => {
  let dir: string;
  let allFunctions: Promise<Metafile> | undefined;
  /** Every manifest function in one esbuild run, as CDK builds each of them; made once for the tests that read it. */
  const functionBundles = () => {
    allFunctions ??= build({
      ...options(join(dir, 'functions')),
      entryPoints: Object.fromEntries(
        Object.entries(functions).map(([name, spec]) => [name, join(repoRoot, spec.entry)]),
      ),
    }).then((r) => r.metafile);
    return allFunctions;
  };
  /** Function name → the packages (or `node_modules/<a>/node_modules/<b>` paths' last package) with code in its bundle. */
  const packagesByFunction = async () => {
    const meta = await functionBundles();
    return Object.fromEntries(
      Object.entries(meta.outputs).flatMap(([file, output]) => {
        const name = /([^/]+)\.mjs$/.exec(file)?.[1];
        if (!name) return [];
        const packages = Object.entries(output.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .flatMap(([f]) => [...f.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]).slice(-1));
        return [[name, new Set(packages)]];
      }),
    ) as Record<string, Set<string>>;
  };
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
    const metafile = await functionBundles();
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
  it('keeps JSON-LD, pdf-lib and the QR renderers out of the functions that do not use them', async () => {
    // Prepare: the functions that never canonicalize (they MAC, read keys or only read the table).
    const neverCanonicalize = ['claim', 'notify', 'remind', 'emailEvents', 'admin', 'downloads'];

    // Act
    const packages = await packagesByFunction();
    const carrying = (pkg: string) =>
      Object.entries(packages)
        .filter(([, pkgs]) => pkgs.has(pkg))
        .map(([name]) => name)
        .sort();

    // Assess
    expect(Object.keys(packages).sort()).toEqual(Object.keys(functions).sort());
    expect(carrying('jsonld').filter((name) => neverCanonicalize.includes(name))).toEqual([]);
    expect(carrying('rdf-canonize').filter((name) => neverCanonicalize.includes(name))).toEqual([]);
    expect(carrying('jsonld')).toEqual(expect.arrayContaining(['award', 'verify', 'wallet']));
    expect(carrying('pdf-lib')).toEqual(['downloads']);
    // qrcode's encoder only: its entry's PNG renderer brings pngjs.
    expect(carrying('qrcode')).toEqual(expect.arrayContaining(['downloads', 'verify', 'wallet']));
    expect(carrying('pngjs')).toEqual([]);
  });

  it('renders the PDF certificate from a bundle byte for byte as from the sources, with two fonts and no PNG decoder', async () => {
    // Prepare: a title outside WinAnsi and a description long enough to wrap, so glyph widths and the encoding count.
    const input: CertificateInput = {
      view: {
        name: 'Zoë’s Advanced Data Structures — Ωmega Track',
        issuerName: 'Example University',
        description: 'Designs, analyses and implements balanced trees, heaps and hash tables. '.repeat(6),
        criteriaNarrative: 'Completed every assignment with a grade of B or better.',
        validFrom: '2026-05-01T00:00:00Z',
        validUntil: '2029-05-01T00:00:00Z',
        evidence: [],
        alignments: [],
      },
      pageUrl: 'https://badges.example.edu/credentials/0b7e6d1c-2f4a-4a8e-9f7e-3c2b1a0d9e8f',
    };
    const outfile = join(dir, 'certificate', 'index.mjs');
    const { metafile } = await build({
      ...options(join(dir, 'certificate')),
      outdir: undefined,
      outfile,
      stdin: {
        contents:
          "export { renderCertificatePdf } from './services/wallet/domain/certificate-pdf.ts';\n" +
          "export * as pdfLib from 'pdf-lib';\n",
        resolveDir: repoRoot,
        sourcefile: 'certificate-entry.ts',
        loader: 'ts',
      },
    });
    const bundled = await import(pathToFileURL(outfile).href);
    const png = PNG.sync.write(new PNG({ width: 1, height: 1 }));

    // Act: both at the same instant (the PDF's creation and modification dates are "now").
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T12:00:00Z'));
    let fromSources: Uint8Array;
    let fromBundle: Uint8Array;
    try {
      fromSources = await renderCertificatePdf(input);
      fromBundle = await bundled.renderCertificatePdf(input);
    } finally {
      vi.useRealTimers();
    }
    const metrics = { fromSources: await fontMetrics(pdfLib), fromBundle: await fontMetrics(bundled.pdfLib) };
    const embedPng = await (await bundled.pdfLib.PDFDocument.create()).embedPng(png).then(
      () => 'embedded',
      (error: Error) => error.message,
    );

    // Assess
    expect(fromBundle.length).toBe(fromSources.length);
    expect(Buffer.from(fromBundle).equals(Buffer.from(fromSources))).toBe(true);
    expect(metrics.fromBundle).toEqual(metrics.fromSources);
    const fonts = inputsFrom(metafile, '@pdf-lib/standard-fonts')
      .filter((f) => f.endsWith('.compressed.json'))
      .map((f) => f.replace(/.*\//, ''))
      .sort();
    expect(fonts).toEqual([
      'Helvetica-Bold.compressed.json',
      'Helvetica.compressed.json',
      'all-encodings.compressed.json',
    ]);
    expect(inputsFrom(metafile, '@pdf-lib/upng')).toEqual([]);
    expect(embedPng).toMatch(/^PNG images are not embedded in PDFs in Lambda bundles/);
  });
});
