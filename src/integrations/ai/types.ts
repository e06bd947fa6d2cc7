import type { CircuitStatus } from '../outbound/policy.js';

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  messages: LlmMessage[];
  /** Ask for one JSON object (`response_format: json_object`); the caller still validates it. */
  json?: boolean;
  temperature?: number;
  maxTokens?: number;
  /** The caller's cancellation (the client went away). */
  signal?: AbortSignal;
}

export interface Completion {
  text: string;
  model: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

/** An OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, LiteLLM…). */
export interface LlmClient {
  readonly provider: string;
  readonly model: string;
  readonly circuit: CircuitStatus;
  /**
   * SERVICE_UNAVAILABLE (with Retry-After) at once while the circuit is open: lets a procedure refuse
   * before reading or writing anything. Returns when a call may be made.
   */
  refuseWhileOpen(): void;
  complete(request: CompletionRequest): Promise<Completion>;
  /**
   * The reply's text as it is generated. Opening the stream has the full policy (retries, breaker); once
   * text has flowed nothing is retried: a stream cut midway rejects with UPSTREAM_ERROR, a stall longer
   * than the attempt timeout or a stream past the deadline with TIMEOUT.
   */
  stream(request: CompletionRequest): AsyncIterable<string>;
}

export interface TranscriptionRequest {
  audio: Blob;
  filename: string;
  /** ISO 639-1 hint (`es`), when the caller knows it. */
  language?: string;
  /** Text the speaker is expected to say: guides spelling and vocabulary. */
  prompt?: string;
  signal?: AbortSignal;
}

export interface TranscribedWord {
  word: string;
  start: number;
  end: number;
  /** 0..1, when the provider reports it. */
  confidence: number | null;
}

export interface Transcription {
  text: string;
  language: string | null;
  durationSeconds: number | null;
  /** 0..1, from the provider's segment log-probabilities; null when it reports none. */
  confidence: number | null;
  words: TranscribedWord[];
}

/** An OpenAI-compatible `audio/transcriptions` endpoint (OpenAI, vLLM, faster-whisper servers…). */
export interface SttClient {
  readonly provider: string;
  readonly model: string;
  readonly circuit: CircuitStatus;
  transcribe(request: TranscriptionRequest): Promise<Transcription>;
}

export interface GeneratedImage {
  base64Data: string;
  mimeType: string;
}

export interface ImageGenerateRequest {
  prompt: string;
  size?: string;
  signal?: AbortSignal;
}

export interface ImageEditRequest {
  prompt: string;
  images: { data: Blob; filename: string }[];
  size?: string;
  signal?: AbortSignal;
}

/** An OpenAI-compatible images endpoint: `images/generations` and `images/edits`. */
export interface ImagesClient {
  readonly provider: string;
  readonly model: string;
  readonly circuit: CircuitStatus;
  generate(request: ImageGenerateRequest): Promise<GeneratedImage>;
  edit(request: ImageEditRequest): Promise<GeneratedImage>;
}

/** The configured providers; null where none is configured (degraded mode). */
export interface AiProviders {
  llm: LlmClient | null;
  stt: SttClient | null;
  images: ImagesClient | null;
}
