/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JUnit XML of --check (junit.h): the registry's checks as test cases, so
 * that CI systems (GitLab, Jenkins, GitHub) show a device's conformance
 * beside other suites.  The test case's name is the check id, its
 * classname names the device; the spec section and the evidence are in
 * the failure. */
#include <string.h>

#include "junit.h"

void junit_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* XML 1.0 allows only tab, newline and CR below 0x20. */
			fputc(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c, f);
			break;
		}
	}
}

void junit_begin(FILE *f)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"virtio-lspci --check\">\n",
	      f);
}

void junit_end(FILE *f)
{
	fputs("</testsuites>\n", f);
}

static bool fails(enum vlp_check_outcome o, bool strict)
{
	return o == VLP_OUTCOME_FAIL || (strict && o == VLP_OUTCOME_WARN);
}

/* The findings of check c, one line each: "SEVERITY SECTION WHERE: message". */
static void findings_of(FILE *f, const struct vlp_check_report *rep, const struct vlp_check *c)
{
	for (size_t i = 0; i < rep->nfindings; i++) {
		const struct vlp_check_finding *cf = &rep->findings[i];

		if (cf->check != c)
			continue;
		junit_escape(f, vlp_severity_name(cf->finding.severity));
		fputc(' ', f);
		junit_escape(f, cf->finding.section ? cf->finding.section : "-");
		fputc(' ', f);
		junit_escape(f, cf->where);
		fputs(": ", f);
		junit_escape(f, cf->finding.message);
		fputc('\n', f);
	}
}

static const char *first_message(const struct vlp_check_report *rep, const struct vlp_check *c)
{
	for (size_t i = 0; i < rep->nfindings; i++)
		if (rep->findings[i].check == c && rep->findings[i].finding.severity != VLP_SEV_INFO)
			return rep->findings[i].finding.message;
	return "";
}

void junit_device(FILE *f, const char *slot, const char *title, const struct vlp_check_report *rep,
		  bool strict)
{
	unsigned tests = 0, failures = 0, skipped = 0;
	const struct vlp_check *c;

	for (size_t i = 0; (c = vlp_check_at(i)); i++) {
		enum vlp_check_outcome o = vlp_check_outcome(rep, c, NULL);

		tests++;
		failures += fails(o, strict);
		skipped += o == VLP_OUTCOME_NOT_RUN;
	}
	fputs("  <testsuite name=\"", f);
	junit_escape(f, slot);
	fputc(' ', f);
	junit_escape(f, title);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n", tests,
		failures, skipped);
	for (size_t i = 0; (c = vlp_check_at(i)); i++) {
		const struct vlp_check_skip *sk;
		enum vlp_check_outcome o = vlp_check_outcome(rep, c, &sk);
		bool said = false;

		fputs("    <testcase classname=\"virtio-lspci.", f);
		junit_escape(f, slot);
		fputs("\" name=\"", f);
		junit_escape(f, c->id);
		fputs("\">", f);
		if (o == VLP_OUTCOME_NOT_RUN) {
			fputs("<skipped message=\"", f);
			junit_escape(f, sk->reason);
			/* A check that writes, made only when asked for. */
			if (sk->not_asked)
				fputs(c->data == VLP_CHECK_EXERCISE ? ": --check --exercise"
								    : ": --check --active",
				      f);
			fputs("\"/>", f);
		} else if (fails(o, strict)) {
			fprintf(f, "\n      <failure type=\"%s\" message=\"",
				o == VLP_OUTCOME_FAIL ? "error" : "warning");
			junit_escape(f, c->section ? c->section : "-");
			fputs(": ", f);
			junit_escape(f, first_message(rep, c));
			fputs("\">", f);
			junit_escape(f, c->title);
			fputc('\n', f);
			findings_of(f, rep, c);
			fputs("</failure>\n    ", f);
		} else {
			/* Warnings without --strict and notes: said, not failed. */
			for (size_t k = 0; k < rep->nfindings && !said; k++)
				said = rep->findings[k].check == c;
			if (said) {
				fputs("<system-out>", f);
				findings_of(f, rep, c);
				fputs("</system-out>", f);
			}
		}
		fputs("</testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}
