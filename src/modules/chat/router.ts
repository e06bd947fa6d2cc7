import { router } from '../../trpc/init.js';
import { analyzePronunciationProcedure } from '../pronunciation/router.js';

/**
 * The `chat` namespace (api-contract §3.6). For now only `analyzePronunciation`, which lives in
 * modules/pronunciation; the chat procedures join it here as they land.
 */
export const chatRouter = router({
  analyzePronunciation: analyzePronunciationProcedure,
});
