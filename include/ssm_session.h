/*
 * Session Manager sessions (SSM StartSession / TerminateSession), for port forwarding
 * through the ECS Exec agent of a task (`ecsdeploy exec --port-forward`). Kept apart from
 * the Parameter Store client (ssm.h) because only src/exec uses it. Conventions as in
 * svc.h: 0 or -1 with err; refusals arrive as err->code ("TargetNotConnected",
 * "InvalidDocument", ...).
 */
#ifndef ECSDEPLOY_SSM_SESSION_H
#define ECSDEPLOY_SSM_SESSION_H

#include "aws.h"
#include "svc.h"

typedef struct {
    char *session_id;
    char *stream_url;
    char *token;                /* SECRET: the data channel's token; wiped by ssm_session_free */
} ssm_session;

void ssm_session_free(ssm_session *s);

/* StartSession on target ("ecs:CLUSTER_TASKID_RUNTIMEID") with an SSM document
 * ("AWS-StartPortForwardingSession", "AWS-StartPortForwardingSessionToRemoteHost") and its
 * parameters as name/value pairs (each sent as a one-value list; may be NULL). The token
 * never reaches logs (the wire log redacts TokenValue) and the response's copy is wiped. */
int ssm_start_session(aws_client *c, const char *target, const char *document,
                      const svc_tags *parameters, ssm_session *out, aws_error *err);
/* TerminateSession: the session ends and its data channel closes. */
int ssm_terminate_session(aws_client *c, const char *session_id, aws_error *err);

#endif
