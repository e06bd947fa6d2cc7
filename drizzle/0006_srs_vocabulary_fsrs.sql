ALTER TABLE "srs_cards" DROP CONSTRAINT "srs_cards_counters_check";--> statement-breakpoint
ALTER TABLE "vocabulary" DROP CONSTRAINT "vocabulary_language_check";--> statement-breakpoint
ALTER TABLE "srs_cards" ALTER COLUMN "stability" SET DATA TYPE double precision;--> statement-breakpoint
ALTER TABLE "srs_cards" ALTER COLUMN "difficulty" SET DATA TYPE double precision;--> statement-breakpoint
ALTER TABLE "srs_review_log" ALTER COLUMN "time_taken_ms" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "srs_cards" ADD COLUMN "learning_steps" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "vocabulary_user_id_created_at_idx" ON "vocabulary" USING btree ("user_id","created_at");--> statement-breakpoint
ALTER TABLE "srs_cards" ADD CONSTRAINT "srs_cards_counters_check" CHECK ("srs_cards"."elapsed_days" >= 0 and "srs_cards"."scheduled_days" >= 0 and "srs_cards"."learning_steps" >= 0 and "srs_cards"."reps" >= 0 and "srs_cards"."lapses" >= 0);--> statement-breakpoint
ALTER TABLE "vocabulary" ADD CONSTRAINT "vocabulary_language_check" CHECK (char_length("vocabulary"."language") <= 16 and "vocabulary"."language" ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$');