CREATE TABLE "conversation_starters" (
	"language" text NOT NULL,
	"level" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "conversation_starters_language_level_position_pk" PRIMARY KEY("language","level","position"),
	CONSTRAINT "conversation_starters_level_check" CHECK ("conversation_starters"."level" in ('beginner', 'intermediate', 'advanced'))
);
--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "idempotency_key" uuid;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD COLUMN "reply_to_id" uuid;--> statement-breakpoint
ALTER TABLE "chat_messages" ADD CONSTRAINT "chat_messages_reply_to_id_chat_messages_id_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."chat_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "chat_messages_user_id_idempotency_key_idx" ON "chat_messages" USING btree ("user_id","idempotency_key") WHERE "chat_messages"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "chat_messages_reply_to_id_idx" ON "chat_messages" USING btree ("reply_to_id");