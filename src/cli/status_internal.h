/* `ecsdeploy status` rendering (status_render.c): the JSON the resource kinds give
 * (res_service_status and the kinds' status hooks) into words for people. */
#ifndef ECSDEPLOY_CLI_STATUS_INTERNAL_H
#define ECSDEPLOY_CLI_STATUS_INTERNAL_H

#include <stdio.h>

#include <cjson/cJSON.h>

/* `resources`: an array of node objects ({"id", "kind", "state", ...details}). The text
 * is cut to `cols` columns (0: not cut). */

/* Services first, one aligned line each (tasks, revision, image, health, last event). */
void status_print_services(FILE *out, const cJSON *resources, int cols);
/* Everything else, one line per kind, with what is not as it should be named. */
void status_print_infrastructure(FILE *out, const cJSON *resources, int cols);
/* One service in detail. */
void status_print_service(FILE *out, const cJSON *service, int cols);

#endif
