ALTER TABLE "dialogue_turns" DROP CONSTRAINT "dialogue_turns_text_check";--> statement-breakpoint
ALTER TABLE "dialogue_turns" DROP CONSTRAINT "dialogue_turns_time_ms_check";--> statement-breakpoint
ALTER TABLE "dialogue_sessions" ADD COLUMN "completed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dialogue_turns" ADD CONSTRAINT "dialogue_turns_lang_check" CHECK (char_length("dialogue_turns"."lang") <= 16 and "dialogue_turns"."lang" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$');--> statement-breakpoint
ALTER TABLE "dialogue_turns" ADD CONSTRAINT "dialogue_turns_text_check" CHECK (char_length("dialogue_turns"."text") between 1 and 2000);--> statement-breakpoint
ALTER TABLE "dialogue_turns" ADD CONSTRAINT "dialogue_turns_time_ms_check" CHECK ("dialogue_turns"."time_ms" between 0 and 600000);