/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Completion candidates from the same tables the printers use: commands,
 * field names of this device's blocks, feature and status bit names,
 * queue indices, show sections. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "complete.h"

static void add_if(const char *text, const char *cand, void (*add)(void *, const char *), void *arg)
{
	if (!strncasecmp(cand, text, strlen(text)))
		add(arg, cand);
}

static void add_names(const char *text, const char *prefix, const struct vlp_names *names,
		      void (*add)(void *, const char *), void *arg)
{
	char buf[96];

	for (size_t i = 0; names && i < names->count; i++) {
		snprintf(buf, sizeof(buf), "%s%s", prefix, names->entries[i].name);
		add_if(text, buf, add, arg);
	}
}

/* Field names of every block the device has: bare, and "block.name" once
 * the user has typed a dot. */
static void add_fields(const struct complete_ctx *c, const char *text,
		       void (*add)(void *, const char *), void *arg)
{
	bool dotted = strchr(text, '.') != NULL;
	char buf[96];

	for (unsigned b = 0; b < VLP_BLOCK_COUNT; b++) {
		struct vlp_reg block;

		if (vlp_block_find(c->ctx, c->layout, (enum vlp_block)b, &block) == 0) {
			for (size_t i = 0; i < block.table->count; i++) {
				struct vlp_reg reg = block;

				reg.field = &block.table->fields[i];
				if (!vlp_reg_exists(&reg))
					continue;
				if (dotted) {
					snprintf(buf, sizeof(buf), "%s.%s",
						 vlp_block_name(block.block), reg.field->name);
					add_if(text, buf, add, arg);
				} else {
					add_if(text, reg.field->name, add, arg);
				}
			}
			if (!dotted) {
				snprintf(buf, sizeof(buf), "%s.", vlp_block_name(block.block));
				add_if(text, buf, add, arg);
			}
		}
	}
}

/* Values of the field named by the previous word (set FIELD <Tab>). */
static void add_values(const struct complete_ctx *c, const char *field, const char *text,
		       void (*add)(void *, const char *), void *arg)
{
	struct vlp_reg reg;

	if (vlp_reg_find(c->ctx, c->layout, field, &reg) == 0 && reg.field->names)
		add_names(text, "", reg.field->names, add, arg);
}

void repl_complete(const struct complete_ctx *c, const char *const *prev, size_t nprev,
		   const char *text, void (*add)(void *arg, const char *cand), void *arg)
{
	const struct command *cmd;
	unsigned type = c->layout && c->layout->virtio.device_type.valid
				? (unsigned)c->layout->virtio.device_type.value
				: 0;
	char buf[16];

	if (nprev == 0) {
		for (size_t i = 0; i < repl_ncommands; i++)
			add_if(text, repl_commands[i].name, add, arg);
		return;
	}
	cmd = repl_find_command(prev[0]);
	if (!cmd)
		return;
	switch (cmd->complete) {
	case COMPLETE_COMMAND:
		if (nprev == 1)
			for (size_t i = 0; i < repl_ncommands; i++)
				add_if(text, repl_commands[i].name, add, arg);
		break;
	case COMPLETE_FIELD:
		/* set FIELD VALUE: the value's names after the field */
		if (!strcmp(cmd->name, "set") && nprev == 2)
			add_values(c, prev[1], text, add, arg);
		else if (strcmp(cmd->name, "set") || nprev == 1)
			if (c->layout)
				add_fields(c, text, add, arg);
		break;
	case COMPLETE_FEATURE: {
		/* +NAME / -NAME; init takes bare names */
		const char *sign = text[0] == '-' ? "-" : "+";

		if (!strcmp(cmd->name, "init"))
			sign = "";
		add_names(text, sign, vlp_device_feature_names(type), add, arg);
		add_names(text, sign, vlp_transport_feature_names(), add, arg);
		break;
	}
	case COMPLETE_STATUS: {
		const char *sign = text[0] == '-' ? "-" : "+";

		add_names(text, sign, vlp_status_names(), add, arg);
		break;
	}
	case COMPLETE_QUEUE:
		/* queue setup Q: the index after the word */
		if (nprev == 1 ||
		    (nprev == 2 && !strcmp(cmd->name, "queue") && !strcmp(prev[1], "setup")))
			for (unsigned q = 0; q < c->nqueues; q++) {
				snprintf(buf, sizeof(buf), "%u", q);
				add_if(text, buf, add, arg);
			}
		/* queue s<Tab>: the subcommand (a bare Tab lists the indices) */
		if (nprev == 1 && !strcmp(cmd->name, "queue") && text[0])
			add_if(text, "setup", add, arg);
		/* post Q in|out */
		if (nprev == 2 && !strcmp(cmd->name, "post")) {
			add_if(text, "in", add, arg);
			add_if(text, "out", add, arg);
		}
		break;
	case COMPLETE_SECTION:
		for (size_t i = 0; repl_sections[i]; i++)
			add_if(text, repl_sections[i], add, arg);
		break;
	case COMPLETE_WORDS:
		if (nprev == 1)
			for (size_t i = 0; cmd->words && cmd->words[i]; i++)
				add_if(text, cmd->words[i], add, arg);
		break;
	case COMPLETE_NONE:
		break;
	}
}
