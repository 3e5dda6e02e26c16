// Runs the reviews subgraph on its own: `node subgraphs/reviews/dist/main.js` (containers, docker-compose).
import { runService } from '@jobgraph/kit';
import { loadReviewsConfig, startReviews } from './index.js';

await runService('reviews', () => startReviews(loadReviewsConfig()));
