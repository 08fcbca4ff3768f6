# Sourced by aws-cli.sh: an image bump of app by hand (deploy TAG), as a person does it:
# the service's task definition with the new tag, registered, the service updated, and
# `wait services-stable` (ECS's rollout to the end: new task healthy, old one stopped).

retag() { # the task definition document on stdin, with app's image at tag $1, registerable
    /usr/bin/python3 -c '
import json, sys
keep = ("family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions",
        "volumes", "placementConstraints", "requiresCompatibilities", "cpu", "memory",
        "runtimePlatform", "pidMode", "ipcMode", "proxyConfiguration", "ephemeralStorage")
td = json.load(sys.stdin)
for c in td["containerDefinitions"]:
    if c["name"] == "app":
        c["image"] = c["image"].rsplit(":", 1)[0] + ":" + sys.argv[1]
print(json.dumps({k: v for k, v in td.items() if k in keep}))' "$1"
}

deploy() {
    tag=${1:?deploy needs a tag}
    say "image bump of app to $tag"
    TD=$(aws ecs describe-services --cluster $S --services app --query 'services[0].taskDefinition')
    doc=$(aws ecs describe-task-definition --task-definition "$TD" --query taskDefinition --output json)
    TD2=$(aws ecs register-task-definition --cli-input-json "$(printf '%s' "$doc" | retag "$tag")" \
        --query taskDefinition.taskDefinitionArn)
    aws ecs update-service --cluster $S --service app --task-definition "$TD2" >/dev/null
    t=$(now); aws ecs wait services-stable --cluster $S --services app; waited services "$t"
    say "deploy done"
}
