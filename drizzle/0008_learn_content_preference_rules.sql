CREATE TABLE "learn_concepts" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"tag" text NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "learn_concepts_kind_check" CHECK ("learn_concepts"."kind" in ('word', 'phrase')),
	CONSTRAINT "learn_concepts_position_check" CHECK ("learn_concepts"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "learn_expressions" (
	"concept_id" text NOT NULL,
	"language" text NOT NULL,
	"text" text NOT NULL,
	"pronunciation" text,
	CONSTRAINT "learn_expressions_concept_id_language_pk" PRIMARY KEY("concept_id","language")
);
--> statement-breakpoint
CREATE TABLE "learn_letters" (
	"language" text NOT NULL,
	"position" integer NOT NULL,
	"id" text NOT NULL,
	"character" text NOT NULL,
	"romanization" text,
	"pronunciation" text NOT NULL,
	"type" text NOT NULL,
	"difficulty" integer NOT NULL,
	"examples" jsonb NOT NULL,
	CONSTRAINT "learn_letters_language_position_pk" PRIMARY KEY("language","position"),
	CONSTRAINT "learn_letters_type_check" CHECK ("learn_letters"."type" in ('vowel', 'consonant', 'special')),
	CONSTRAINT "learn_letters_difficulty_check" CHECK ("learn_letters"."difficulty" between 1 and 3),
	CONSTRAINT "learn_letters_position_check" CHECK ("learn_letters"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "learn_numbers" (
	"language" text NOT NULL,
	"value" integer NOT NULL,
	"target" text NOT NULL,
	"pronunciation" text,
	CONSTRAINT "learn_numbers_language_value_pk" PRIMARY KEY("language","value"),
	CONSTRAINT "learn_numbers_value_check" CHECK ("learn_numbers"."value" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "learn_phonics" (
	"language" text NOT NULL,
	"position" integer NOT NULL,
	"id" text NOT NULL,
	"sound" text NOT NULL,
	"ipa" text,
	"graphemes" text[] NOT NULL,
	"examples" jsonb NOT NULL,
	"mouth_hint" text,
	CONSTRAINT "learn_phonics_language_position_pk" PRIMARY KEY("language","position"),
	CONSTRAINT "learn_phonics_position_check" CHECK ("learn_phonics"."position" >= 0)
);
--> statement-breakpoint
CREATE TABLE "learn_tips" (
	"language" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "learn_tips_language_position_pk" PRIMARY KEY("language","position"),
	CONSTRAINT "learn_tips_position_check" CHECK ("learn_tips"."position" >= 0)
);
--> statement-breakpoint
ALTER TABLE "learn_expressions" ADD CONSTRAINT "learn_expressions_concept_id_learn_concepts_id_fk" FOREIGN KEY ("concept_id") REFERENCES "public"."learn_concepts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "learn_concepts_kind_position_idx" ON "learn_concepts" USING btree ("kind","position");--> statement-breakpoint
CREATE UNIQUE INDEX "learn_letters_id_idx" ON "learn_letters" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "learn_phonics_id_idx" ON "learn_phonics" USING btree ("id");--> statement-breakpoint
ALTER TABLE "preference_profiles" ADD CONSTRAINT "preference_profiles_personas_check" CHECK (cardinality("preference_profiles"."personas") <= 16);--> statement-breakpoint
ALTER TABLE "preference_profiles" ADD CONSTRAINT "preference_profiles_dialect_check" CHECK (char_length("preference_profiles"."dialect") <= 64);