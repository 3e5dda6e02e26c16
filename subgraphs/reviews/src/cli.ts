// Operator command: `pnpm reviews rebuild-analytics` — rebuilds the rating analytics from the reviews themselves.
import cliProgress from 'cli-progress';
import { ConfigError, createLogger, openOrm, serviceDatabaseUrl } from '@jobgraph/kit';
import { entities } from './entities/index.js';
import { migrations } from './migrations/index.js';
import { loadReviewsConfig } from './config.js';
import { rebuildAnalytics } from './services/analytics.js';

const USAGE = `usage: pnpm reviews rebuild-analytics

  rebuild-analytics   recomputes the rating analytics (per gig and per seller: counts, averages, star distribution,
                      monthly averages, response rate) from the reviews in reviews' database, in one transaction.
                      Readers keep the old numbers until it commits; review events wait and apply afterwards.
                      Uses REVIEWS_DATABASE_URL, or the jobgraph_reviews database on DATABASE_URL.`;

const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
if (args[0] === '--help' || args[0] === '-h') {
  console.log(USAGE);
  process.exit(0);
}
if (args.length !== 1 || args[0] !== 'rebuild-analytics') {
  console.error(USAGE);
  process.exit(2);
}

try {
  const config = loadReviewsConfig();
  const orm = await openOrm({ url: serviceDatabaseUrl('reviews', config), entities, migrations, log: createLogger('reviews-cli', config.LOG_LEVEL), poolMax: 2 });
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'rebuilding {bar} {percentage}% | {value}/{total} reviews | {step}', hideCursor: true, clearOnComplete: false, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    const result = await rebuildAnalytics(orm, {
      start: (total) => {
        bar.start(total, 0, { step: 'copying reviews' });
        started = true;
      },
      update: (done) => bar.update(done),
      step: (name) => bar.update({ step: name }),
    });
    bar.update({ step: 'done' });
    bar.stop();
    console.log(
      `rebuilt rating analytics from ${result.reviews.toLocaleString('en')} buyers' reviews: ${result.gigs.toLocaleString('en')} gigs, ` +
        `${result.sellers.toLocaleString('en')} sellers, in ${result.seconds.toFixed(1)} s`,
    );
  } finally {
    if (started) bar.stop();
    await orm.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `rebuild failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
