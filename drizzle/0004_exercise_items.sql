ALTER TABLE "exercises" ADD COLUMN "content_item_id" text;--> statement-breakpoint
ALTER TABLE "exercises" ADD CONSTRAINT "exercises_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exercises_content_item_id_idx" ON "exercises" USING btree ("content_item_id");