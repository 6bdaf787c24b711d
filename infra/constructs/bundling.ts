import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Lambda loads the bundle as ESM (`index.mjs`), where `require` does not exist; CommonJS dependencies that esbuild
 * inlines still call it for Node built-ins. The alias keeps the banner from colliding with a bundled `createRequire`.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __laurelCreateRequire } from 'node:module'; const require = __laurelCreateRequire(import.meta.url);";

/**
 * How every Laurel function is bundled: one object, read by the CDK construct (`ServiceFunction`) and by the
 * cold-start benchmark (bench/cold-start.ts), which runs esbuild with the same settings CDK derives from it.
 *
 * The AWS SDK is bundled (`bundleAwsSDK`), not left to the copy in the nodejs24.x runtime image, although that would
 * cut about 400 KB from every bundle: the functions then run the SDK versions the tests ran against (Powertools'
 * idempotency and lib-dynamodb must match the client they wrap, and the runtime's copy changes when AWS updates it),
 * and the cold-start benchmark found init slower, not faster, without it (bench/REPORT.md, "Cold start": the bundle
 * shrinks by about 380 KB, but loading the SDK's hundreds of separate files costs more than parsing them in one).
 *
 * The aliases replace, at bundle time only, what a function never runs in AWS or never needs (each stub says why):
 * jsonld's network loader, zod's non-English locales, nodemailer (SMTP is local mode only), `node:http`'s ES module
 * facade, which loads Node's undici, and in pdf-lib the standard fonts the certificate does not draw with and the PNG
 * decoder it does not call. test/infra/bundling.test.ts checks that they keep behaviour.
 */
export const LAMBDA_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  bundleAwsSDK: true,
  // No Docker here or in CI: esbuild from node_modules does the work.
  forceDockerBundling: false,
  // Paths are relative to the repository root, where CDK runs esbuild. See each stub for why it is safe.
  esbuildArgs: {
    '--alias': [
      '@digitalbazaar/http-client=./infra/constructs/bundle-stubs/no-network-http-client.js',
      'zod=./infra/constructs/bundle-stubs/zod-english/index.js',
      'nodemailer=./infra/constructs/bundle-stubs/no-smtp.js',
      'node:http=./infra/constructs/bundle-stubs/node-http.js',
      'http=./infra/constructs/bundle-stubs/node-http.js',
      '@pdf-lib/standard-fonts=./infra/constructs/bundle-stubs/pdf-standard-fonts/index.js',
      '@pdf-lib/upng=./infra/constructs/bundle-stubs/no-png-embedding.js',
    ],
  },
} as const satisfies BundlingOptions;

/** `LAMBDA_BUNDLING.esbuildArgs['--alias']` as esbuild's `alias` option: package → replacement. */
export const bundlingAliases = (): Record<string, string> =>
  Object.fromEntries(LAMBDA_BUNDLING.esbuildArgs['--alias'].map((a) => a.split('=') as [string, string]));

/**
 * `NODE_OPTIONS` of every function: stack traces in the logs point at the TypeScript sources. Node then reads each
 * bundle's source map when it loads the bundle, which the cold-start benchmark counts in the init time.
 */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
