/*
 * The AWS shared config and credentials files: INI sections, "key = value" lines,
 * comments starting with '#' or ';' (whole lines only, as the AWS CLI reads them), and
 * nested sub-sections — a key with an empty value followed by indented "sub = value"
 * lines — stored as "key.sub" (e.g. "s3.addressing_style").
 */
#ifndef ECSDEPLOY_AWS_INI_H
#define ECSDEPLOY_AWS_INI_H

#include "aws_error.h"

typedef struct aws_ini aws_ini;

/*
 * Parse text. `name` is used in messages ("~/.aws/config line 3: ..."). Returns a new
 * aws_ini in *out (free with aws_ini_free), or -1 with err (kind AWS_ERR_CONFIG) for a
 * line that is neither a section, a key = value, a comment nor blank.
 */
int aws_ini_parse(const char *text, const char *name, aws_ini **out, aws_error *err);

/* Read and parse a file. A missing file gives an empty aws_ini (not an error). */
int aws_ini_load(const char *path, aws_ini **out, aws_error *err);

/* The value of key in section (names compared exactly, surrounding blanks trimmed), or
 * NULL. The string belongs to ini. When a section appears twice, later keys win. */
const char *aws_ini_get(const aws_ini *ini, const char *section, const char *key);

/* 1 when the section exists (even empty). */
int aws_ini_has_section(const aws_ini *ini, const char *section);

void aws_ini_free(aws_ini *ini);

#endif
