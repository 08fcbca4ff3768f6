/*
 * The shared config and credentials files and the active profile, read once per run.
 *
 * Files: AWS_CONFIG_FILE (default ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE
 * (default ~/.aws/credentials). Profile: --profile, else AWS_PROFILE, else "default".
 * In the config file a profile is "[profile NAME]" ("[default]" for default), in the
 * credentials file "[NAME]".
 */
#ifndef ECSDEPLOY_AWS_CONFIG_H
#define ECSDEPLOY_AWS_CONFIG_H

#include "aws_error.h"
#include "aws_ini.h"

typedef struct {
    char *profile;         /* the active profile's name */
    int profile_explicit;  /* named by --profile (1) or AWS_PROFILE (2); 0 for default */
    char *config_path;
    char *credentials_path;
    aws_ini *config;
    aws_ini *credentials;
} aws_config;

/*
 * Load both files for profile_opt (--profile, may be NULL). Fails (kind AWS_ERR_CONFIG)
 * on a malformed file or when an explicitly named profile exists in neither file.
 * Release with aws_config_free.
 */
int aws_config_load(aws_config *cfg, const char *profile_opt, aws_error *err);
void aws_config_free(aws_config *cfg);

/* A key of `profile` in the config file, or NULL. Strings belong to cfg. */
const char *aws_config_profile_get(const aws_config *cfg, const char *profile, const char *key);
/* A key of `profile` in the credentials file, or NULL. */
const char *aws_config_credentials_get(const aws_config *cfg, const char *profile,
                                       const char *key);
/* A key of the active profile: config file. */
const char *aws_config_get(const aws_config *cfg, const char *key);
/* A key of any config-file section by its full header text ("sso-session my-sso"). */
const char *aws_config_section_get(const aws_config *cfg, const char *section, const char *key);
/* 1 when profile exists in either file. */
int aws_config_profile_exists(const aws_config *cfg, const char *profile);
/* Expand a leading "~/" with $HOME. Returns a new string (free()). */
char *aws_config_expand_home(const char *path);
/* 1 for "true" (any case), 0 for anything else or NULL. */
int aws_config_true(const char *value);

#endif
