/* deploy --all: which services of a cluster an image is for. */
#include <stdlib.h>
#include <string.h>

#include "deploy_internal.h"

/* 1 when the service's container (NULL: the first) runs an image of repository repo. */
static int uses_repository(aws_client *c, const ecs_service *sv, const char *container,
                           const char *repo)
{
    ecs_task_definition td;
    aws_error err;
    if (!sv->task_definition || ecs_describe_task_definition(c, sv->task_definition, &td, &err) != 0)
        return 0;
    const char *img = aws_json_str(ecs_taskdef_container(td.doc, container), "image");
    char *r = img ? deploy_image_repository(img) : NULL;
    int yes = r && strcmp(r, repo) == 0;
    free(r);
    ecs_task_definition_free(&td);
    return yes;
}

int deploy_services_using(aws_client *c, const char *cluster, const char *image,
                          const char *container, svc_strings *out, aws_error *err)
{
    svc_strings arns = {0};
    ecs_services list = {0};
    if (ecs_list_services(c, cluster, 0, &arns, err) != 0 ||
        (arns.n && ecs_describe_services(c, cluster, (const char *const *)arns.items, arns.n,
                                         &list, err) != 0)) {
        svc_strings_free(&arns);
        return -1;
    }
    char *repo = deploy_image_repository(image);
    for (size_t i = 0; i < list.n; i++)
        if (list.items[i].status && strcmp(list.items[i].status, "ACTIVE") == 0 &&
            uses_repository(c, &list.items[i], container, repo))
            svc_strings_add(out, list.items[i].name);
    free(repo);
    ecs_services_free(&list);
    svc_strings_free(&arns);
    return 0;
}
