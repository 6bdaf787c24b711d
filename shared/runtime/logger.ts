import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../env.ts';

/** One logger per function; messages are short and lowercase, context goes in objects, never personal data. */
export const makeLogger = (serviceName: string) => new Logger({ serviceName });

/** Business counters (awarded, rejected, emailed, claimed) under one namespace. */
export const makeMetrics = (serviceName: string) => new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
