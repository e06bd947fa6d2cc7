import { startFakeProvider } from '../test/fake-provider.js';

/**
 * The fake OpenAI-compatible provider in a process of its own, for `bench:ai`: PORT to listen on,
 * FAKE_LATENCY_MS before each answer. `POST /control` with a behaviour changes how it answers.
 */
const latencyMs = Number(process.env.FAKE_LATENCY_MS ?? 200);
const fake = await startFakeProvider({ keepRequests: false, control: true, port: Number(process.env.PORT) });
fake.setDefault({ kind: 'ok', delayMs: latencyMs });
fake.reply = () =>
  JSON.stringify({
    reply: '¡Muy bien! ¿Qué hiciste ayer?',
    corrections: [],
    nativeTranslation: 'Very good! What did you do yesterday?',
    targetTranslation: '¡Muy bien! ¿Qué hiciste ayer?',
  });
process.once('SIGTERM', () => {
  void fake.close().then(() => process.exit(0));
});
