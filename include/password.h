/* Random passwords (src/util/password.c). */
#ifndef ECSDEPLOY_PASSWORD_H
#define ECSDEPLOY_PASSWORD_H

#include <stddef.h>

/*
 * A password of `length` characters (at most 65536) drawn uniformly (OpenSSL's RAND_bytes)
 * from lowercase and uppercase letters, digits and, with `punctuation`, the 32 ASCII
 * punctuation characters, less those in `exclude` (may be NULL), with at least one of
 * each of those classes that keeps a character, as Secrets Manager's GetRandomPassword
 * makes them by default. NULL when no character is left, length is 0 or smaller than the
 * classes to include, or the generator fails. The caller wipes it before freeing
 * (secretsmanager_secret_free).
 */
char *util_random_password(size_t length, int punctuation, const char *exclude);

#endif
