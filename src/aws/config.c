/* The shared config/credentials files and the active profile (see aws_config.h). */
#include "aws_config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

char *aws_config_expand_home(const char *path)
{
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
        const char *home = getenv("HOME");
        return xasprintf("%s%s", home ? home : "", path + 1);
    }
    return xstrdup(path);
}

int aws_config_true(const char *value)
{
    return value && strcasecmp(value, "true") == 0;
}

static char *env_path(const char *var, const char *def)
{
    const char *v = getenv(var);
    return aws_config_expand_home(v && *v ? v : def);
}

int aws_config_load(aws_config *cfg, const char *profile_opt, aws_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    const char *env_profile = getenv("AWS_PROFILE");
    if (profile_opt && *profile_opt) {
        cfg->profile = xstrdup(profile_opt);
        cfg->profile_explicit = 1;
    } else if (env_profile && *env_profile) {
        cfg->profile = xstrdup(env_profile);
        cfg->profile_explicit = 2;
    } else {
        cfg->profile = xstrdup("default");
    }
    cfg->config_path = env_path("AWS_CONFIG_FILE", "~/.aws/config");
    cfg->credentials_path = env_path("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
    if (aws_ini_load(cfg->config_path, &cfg->config, err) != 0 ||
        aws_ini_load(cfg->credentials_path, &cfg->credentials, err) != 0) {
        aws_config_free(cfg);
        return -1;
    }
    if (cfg->profile_explicit && !aws_config_profile_exists(cfg, cfg->profile)) {
        aws_error_set(err, AWS_ERR_CONFIG, "ProfileNotFound",
                      "the profile '%s' (from %s) is in neither %s nor %s; add a "
                      "[profile %s] section or pick another profile",
                      cfg->profile, cfg->profile_explicit == 1 ? "--profile" : "AWS_PROFILE",
                      cfg->config_path, cfg->credentials_path, cfg->profile);
        aws_config_free(cfg);
        return -1;
    }
    return 0;
}

void aws_config_free(aws_config *cfg)
{
    free(cfg->profile);
    free(cfg->config_path);
    free(cfg->credentials_path);
    aws_ini_free(cfg->config);
    aws_ini_free(cfg->credentials);
    memset(cfg, 0, sizeof *cfg);
}

const char *aws_config_profile_get(const aws_config *cfg, const char *profile, const char *key)
{
    char *section = xasprintf("profile %s", profile);
    const char *v = aws_ini_get(cfg->config, section, key);
    /* "[default]" is the usual spelling; "[profile default]" also works. */
    if (!v && strcmp(profile, "default") == 0)
        v = aws_ini_get(cfg->config, "default", key);
    free(section);
    return v;
}

const char *aws_config_credentials_get(const aws_config *cfg, const char *profile,
                                       const char *key)
{
    return aws_ini_get(cfg->credentials, profile, key);
}

const char *aws_config_get(const aws_config *cfg, const char *key)
{
    return cfg->profile ? aws_config_profile_get(cfg, cfg->profile, key) : NULL;
}

const char *aws_config_section_get(const aws_config *cfg, const char *section, const char *key)
{
    return aws_ini_get(cfg->config, section, key);
}

int aws_config_profile_exists(const aws_config *cfg, const char *profile)
{
    char *section = xasprintf("profile %s", profile);
    int found = aws_ini_has_section(cfg->config, section) ||
                aws_ini_has_section(cfg->credentials, profile) ||
                (strcmp(profile, "default") == 0 && aws_ini_has_section(cfg->config, "default"));
    free(section);
    return found;
}
