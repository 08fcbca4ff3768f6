/* The EFS client against the local fake (rest-json, signatures verified): every operation,
 * the refusals EFS gives, the lifecycle checks and waiters, and lost answers of the creates
 * (their tokens, and the mount target's subnet) never making a second resource. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2.h"
#include "efs.h"
#include "fakeaws_fixture.h"

#define NO_FS "fs-0123456789abcdef0"

/* At the fake's time scale (0.01) a mount target takes 0.9 s. */
static const aws_wait_opts quick = {.max_checks = 600, .interval_s = 0.02};

typedef struct {
    ec2_vpc vpc;
    ec2_subnet a, b;
    char *nfs;
} network;

static void make_network(aws_client *c, const char *cidr16, network *n)
{
    aws_error err;
    char cidr[32];
    memset(n, 0, sizeof *n);
    snprintf(cidr, sizeof cidr, "%s.0.0/16", cidr16);
    OK(ec2_create_vpc(c, cidr, NULL, &n->vpc, &err));
    OK(ec2_modify_vpc_attribute(c, n->vpc.id, "enableDnsHostnames", 1, &err));
    snprintf(cidr, sizeof cidr, "%s.1.0/24", cidr16);
    OK(ec2_create_subnet(c, n->vpc.id, cidr, "us-east-1a", NULL, &n->a, &err));
    snprintf(cidr, sizeof cidr, "%s.2.0/24", cidr16);
    OK(ec2_create_subnet(c, n->vpc.id, cidr, "us-east-1b", NULL, &n->b, &err));
    OK(ec2_create_security_group(c, n->vpc.id, "nfs", "NFS from the services", NULL, &n->nfs,
                                 &err));
}

static void free_network(network *n)
{
    ec2_vpc_free(&n->vpc);
    ec2_subnet_free(&n->a);
    ec2_subnet_free(&n->b);
    free(n->nfs);
}

static char *new_file_system(aws_client *c, const char *token)
{
    aws_error err;
    efs_create_fs_in in = {.creation_token = token, .encrypted = 1};
    efs_file_system f;
    OK(efs_create_file_system(c, &in, &f, NULL, &err));
    OK(efs_wait_file_system(c, f.id, EFS_AVAILABLE, &quick, &err));
    char *id = f.id;
    f.id = NULL;
    efs_file_system_free(&f);
    return id;
}

START_TEST(file_systems)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_tags tags = {0};
    svc_tags_add(&tags, "Name", "unit-data");
    svc_tags_add(&tags, "ecsdeploy:stack", "unit-efs");
    efs_create_fs_in in = {.creation_token = "unit-efs-fs", .encrypted = 1,
                           .throughput_mode = "elastic", .tags = &tags};
    efs_file_system f, again;
    int existed = -1;
    OK(efs_create_file_system(c, &in, &f, &existed, &err));
    ck_assert_int_eq(existed, 0);
    ck_assert_str_eq(f.state, "creating");
    ck_assert_str_eq(f.name, "unit-data");
    ck_assert_str_eq(f.creation_token, "unit-efs-fs");
    ck_assert_str_eq(f.throughput_mode, "elastic");
    ck_assert_str_eq(f.performance_mode, "generalPurpose");
    ck_assert(f.encrypted && strstr(f.kms_key_id, ":key/") != NULL);
    ck_assert(f.created > 0 && strstr(f.arn, f.id) != NULL);
    ck_assert_str_eq(svc_tags_get(&f.tags, "ecsdeploy:stack"), "unit-efs");
    /* the same token again: the same file system, as EFS's refusal says */
    OK(efs_create_file_system(c, &in, &again, &existed, &err));
    ck_assert_int_eq(existed, 1);
    ck_assert_str_eq(again.id, f.id);
    efs_file_system_free(&again);

    char state[64];
    int rc = efs_check_file_system(c, f.id, EFS_AVAILABLE, state, sizeof state, &err);
    ck_assert_msg(rc == 0 ? strcmp(state, "creating") == 0 : rc == 1 && !strcmp(state, "available"),
                  "%d %s", rc, state); /* 0.1 s at the fake's scale: either may be seen */
    OK(efs_wait_file_system(c, f.id, EFS_AVAILABLE, &quick, &err));
    OK(efs_describe_file_system(c, f.arn, &again, &err)); /* by ARN too */
    ck_assert_str_eq(again.state, "available");
    ck_assert_int_eq(again.mount_targets, 0);
    ck_assert(again.size_bytes > 0);
    efs_file_system_free(&again);

    efs_file_systems all;
    OK(efs_describe_file_systems(c, "unit-efs-fs", &all, &err));
    ck_assert_uint_eq(all.n, 1);
    ck_assert_str_eq(all.items[0].id, f.id);
    efs_file_systems_free(&all);
    OK(efs_describe_file_systems(c, "no-such-token", &all, &err));
    ck_assert_uint_eq(all.n, 0);
    efs_file_systems_free(&all);
    OK(efs_describe_file_systems(c, NULL, &all, &err));
    ck_assert_uint_ge(all.n, 1);
    efs_file_systems_free(&all);
    FAILS_WITH(efs_describe_file_system(c, NO_FS, &again, &err), "FileSystemNotFound");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));

    /* refusals */
    efs_create_fs_in bad = {.creation_token = "unit-efs-bad", .throughput_mode = "provisioned"};
    FAILS_WITH(efs_create_file_system(c, &bad, &again, NULL, &err), "BadRequest");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    efs_create_fs_in nokey = {.creation_token = "unit-efs-nokey", .encrypted = 1,
                              .kms_key_id = "alias/not-there"};
    FAILS_WITH(efs_create_file_system(c, &nokey, &again, NULL, &err), "BadRequest");

    /* throughput: a mode change (the next one within a day is refused with TooManyRequests,
     * a 429 the retry layer backs off on: test_efs.py checks that refusal) */
    OK(efs_update_file_system(c, f.id, "bursting", 0, &again, &err));
    ck_assert_str_eq(again.throughput_mode, "bursting");
    ck_assert_str_eq(again.state, "updating");
    efs_file_system_free(&again);
    OK(efs_wait_file_system(c, f.id, EFS_AVAILABLE, &quick, &err));
    FAILS_WITH(efs_update_file_system(c, f.id, NULL, 8, &again, &err), "BadRequest");

    OK(efs_delete_file_system(c, f.id, &err));
    OK(efs_wait_file_system(c, f.id, EFS_GONE, &quick, &err));
    ck_assert_int_eq(efs_check_file_system(c, f.id, EFS_AVAILABLE, state, sizeof state, &err), -1);
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    efs_file_system_free(&f);
    svc_tags_free(&tags);
    aws_client_free(c);
}
END_TEST

START_TEST(mount_targets)
{
    aws_client *c = fake_client();
    aws_error err;
    network net;
    make_network(c, "10.61", &net);
    char *fs = new_file_system(c, "unit-efs-mt");
    const char *groups[] = {net.nfs, NULL};
    efs_mount_target mt, other;
    OK(efs_create_mount_target(c, fs, net.a.id, groups, &mt, &err));
    ck_assert_str_eq(mt.state, "creating");
    ck_assert_str_eq(mt.subnet_id, net.a.id);
    ck_assert_str_eq(mt.vpc_id, net.vpc.id);
    ck_assert_str_eq(mt.availability_zone, "us-east-1a");
    ck_assert(strncmp(mt.network_interface_id, "eni-", 4) == 0);
    ck_assert(strncmp(mt.ip_address, "10.61.1.", 8) == 0);
    FAILS_WITH(efs_create_mount_target(c, fs, net.a.id, groups, &other, &err),
               "MountTargetConflict");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    FAILS_WITH(efs_create_mount_target(c, fs, "subnet-0123456789abcdef0", NULL, &other, &err),
               "SubnetNotFound");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    const char *missing[] = {"sg-0123456789abcdef0", NULL};
    FAILS_WITH(efs_create_mount_target(c, fs, net.b.id, missing, &other, &err),
               "SecurityGroupNotFound");

    /* the second zone's, made through a lost answer: found by its subnet, made once */
    fake_lose_next("efs", "CreateMountTarget", "drop");
    OK(efs_create_mount_target(c, fs, net.b.id, NULL, &other, &err));
    ck_assert_int_ge(err.attempts, 1);
    efs_mount_targets l;
    OK(efs_describe_mount_targets(c, fs, &l, &err));
    ck_assert_uint_eq(l.n, 2);
    efs_mount_targets_free(&l);

    char state[160] = "";
    int rc = efs_check_mount_targets(c, fs, EFS_AVAILABLE, state, sizeof state, &err);
    ck_assert_msg(rc == 1 || (rc == 0 && strstr(state, " of 2 available; fsmt-")), "%d %s", rc,
                  state); /* 0.9 s at the fake's scale: either may be seen */
    OK(efs_wait_mount_targets(c, fs, EFS_AVAILABLE, &quick, &err));
    OK(efs_wait_mount_target(c, mt.id, EFS_AVAILABLE, &quick, &err));

    svc_strings sgs = {0};
    OK(efs_describe_mount_target_security_groups(c, other.id, &sgs, &err));
    ck_assert_uint_eq(sgs.n, 1); /* the VPC's default group */
    ck_assert_str_ne(sgs.items[0], net.nfs);
    svc_strings_free(&sgs);
    OK(efs_modify_mount_target_security_groups(c, other.id, groups, &err));
    OK(efs_describe_mount_target_security_groups(c, other.id, &sgs, &err));
    ck_assert_str_eq(sgs.items[0], net.nfs);
    svc_strings_free(&sgs);

    FAILS_WITH(efs_delete_file_system(c, fs, &err), "FileSystemInUse");
    ck_assert(aws_error_is(&err, AWS_IS_IN_USE));
    OK(efs_delete_mount_target(c, mt.id, &err));
    /* the other mount target's interface still uses the group */
    FAILS_WITH(ec2_delete_security_group(c, net.nfs, &err), "DependencyViolation");
    fake_lose_next("efs", "DeleteMountTarget", "error"); /* done, though the answer was a 500 */
    OK(efs_delete_mount_target(c, other.id, &err));
    OK(efs_wait_mount_targets(c, fs, EFS_GONE, &quick, &err));
    OK(efs_wait_mount_target(c, mt.id, EFS_GONE, &quick, &err));
    efs_mount_target none;
    FAILS_WITH(efs_describe_mount_target(c, mt.id, &none, &err), "MountTargetNotFound");
    OK(efs_delete_file_system(c, fs, &err));
    OK(ec2_delete_security_group(c, net.nfs, &err)); /* the interfaces went with them */
    efs_mount_target_free(&mt);
    efs_mount_target_free(&other);
    free(fs);
    free_network(&net);
    aws_client_free(c);
}
END_TEST

START_TEST(access_points)
{
    aws_client *c = fake_client();
    aws_error err;
    char *fs = new_file_system(c, "unit-efs-ap");
    efs_posix_user user = {.set = 1, .uid = 1000, .gid = 1000, .secondary_gids = {4},
                           .nsecondary = 1};
    efs_creation_info info = {.set = 1, .owner_uid = 1000, .owner_gid = 1000, .permissions = "750"};
    svc_tags tags = {0};
    svc_tags_add(&tags, "Name", "state");
    efs_create_ap_in in = {.file_system_id = fs, .client_token = "unit-efs-ap-1",
                           .posix_user = &user, .root_path = "/state", .creation_info = &info,
                           .tags = &tags};
    efs_access_point ap, again;
    int existed = -1;
    fake_lose_next("efs", "CreateAccessPoint", "drop");
    OK(efs_create_access_point(c, &in, &ap, &existed, &err));
    ck_assert_int_eq(existed, 0);
    ck_assert_str_eq(ap.root_path, "/state");
    ck_assert(ap.posix_user.set && ap.posix_user.uid == 1000 && ap.posix_user.nsecondary == 1 &&
              ap.posix_user.secondary_gids[0] == 4);
    ck_assert(ap.creation_info.set && ap.creation_info.owner_gid == 1000);
    ck_assert_str_eq(ap.creation_info.permissions, "750");
    ck_assert_str_eq(ap.name, "state");
    OK(efs_create_access_point(c, &in, &again, &existed, &err));
    ck_assert_int_eq(existed, 1);
    ck_assert_str_eq(again.id, ap.id);
    efs_access_point_free(&again);
    efs_access_points l;
    OK(efs_describe_access_points(c, fs, &l, &err));
    ck_assert_uint_eq(l.n, 1); /* the lost answer made one, not two */
    efs_access_points_free(&l);
    OK(efs_wait_access_point(c, ap.id, EFS_AVAILABLE, &quick, &err));

    efs_create_ap_in plain = {.file_system_id = fs, .client_token = "unit-efs-ap-2"};
    OK(efs_create_access_point(c, &plain, &again, NULL, &err));
    ck_assert_str_eq(again.root_path, "/");
    ck_assert(!again.posix_user.set && !again.creation_info.set);
    OK(efs_delete_access_point(c, again.id, &err));
    OK(efs_wait_access_point(c, again.id, EFS_GONE, &quick, &err));
    efs_access_point none;
    FAILS_WITH(efs_describe_access_point(c, again.id, &none, &err), "AccessPointNotFound");
    efs_access_point_free(&again);
    efs_create_ap_in nofs = {.file_system_id = NO_FS, .client_token = "unit-efs-ap-3"};
    FAILS_WITH(efs_create_access_point(c, &nofs, &again, NULL, &err), "FileSystemNotFound");
    efs_create_ap_in deep = {.file_system_id = fs, .client_token = "unit-efs-ap-4",
                             .root_path = "/a/b/c/d/e"};
    FAILS_WITH(efs_create_access_point(c, &deep, &again, NULL, &err), "ValidationException");

    /* tags on an access point by ARN */
    svc_tags more = {0}, got = {0};
    svc_tags_add(&more, "team", "storage");
    OK(efs_tag_resource(c, ap.arn, &more, &err));
    const char *gone[] = {"Name"};
    OK(efs_untag_resource(c, ap.id, gone, 1, &err));
    OK(efs_list_tags_for_resource(c, ap.id, &got, &err));
    ck_assert_uint_eq(got.n, 1);
    ck_assert_str_eq(svc_tags_get(&got, "team"), "storage");
    svc_tags_free(&got);
    svc_tags_free(&more);
    /* the file system takes its access points with it */
    OK(efs_delete_file_system(c, fs, &err));
    OK(efs_wait_file_system(c, fs, EFS_GONE, &quick, &err));
    OK(efs_wait_access_point(c, ap.id, EFS_GONE, &quick, &err));
    efs_access_point_free(&ap);
    svc_tags_free(&tags);
    free(fs);
    aws_client_free(c);
}
END_TEST

START_TEST(settings)
{
    aws_client *c = fake_client();
    aws_error err;
    char *fs = new_file_system(c, "unit-efs-settings");
    char *policy = (char *)"unset";
    OK(efs_describe_file_system_policy(c, fs, &policy, &err));
    ck_assert_ptr_null(policy); /* the default policy */
    FAILS_WITH(efs_put_file_system_policy(c, fs, "{not json", &err), "InvalidPolicyException");
    ck_assert(aws_error_is(&err, AWS_IS_INVALID));
    const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                      "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"*\",\"Condition\":{\"Bool\":"
                      "{\"aws:SecureTransport\":\"false\"}}}]}";
    OK(efs_put_file_system_policy(c, fs, doc, &err));
    OK(efs_describe_file_system_policy(c, fs, &policy, &err));
    ck_assert_str_eq(policy, doc);
    free(policy);
    OK(efs_delete_file_system_policy(c, fs, &err));
    OK(efs_describe_file_system_policy(c, fs, &policy, &err));
    ck_assert_ptr_null(policy);
    FAILS_WITH(efs_describe_file_system_policy(c, NO_FS, &policy, &err),
               "FileSystemNotFound");

    efs_lifecycle lc = {0}, got;
    OK(efs_describe_lifecycle_configuration(c, fs, &got, &err));
    ck_assert(!got.to_ia[0] && !got.to_archive[0] && !got.to_primary[0]);
    snprintf(lc.to_ia, sizeof lc.to_ia, "AFTER_30_DAYS");
    snprintf(lc.to_primary, sizeof lc.to_primary, "AFTER_1_ACCESS");
    OK(efs_put_lifecycle_configuration(c, fs, &lc, &err));
    OK(efs_describe_lifecycle_configuration(c, fs, &got, &err));
    ck_assert_str_eq(got.to_ia, "AFTER_30_DAYS");
    ck_assert_str_eq(got.to_primary, "AFTER_1_ACCESS");
    ck_assert_str_eq(got.to_archive, "");
    snprintf(lc.to_archive, sizeof lc.to_archive, "AFTER_90_DAYS"); /* needs elastic throughput */
    FAILS_WITH(efs_put_lifecycle_configuration(c, fs, &lc, &err), "BadRequest");
    memset(&lc, 0, sizeof lc);
    OK(efs_put_lifecycle_configuration(c, fs, &lc, &err));
    OK(efs_describe_lifecycle_configuration(c, fs, &got, &err));
    ck_assert_str_eq(got.to_ia, "");

    int on = -1;
    OK(efs_describe_backup_policy(c, fs, &on, &err));
    ck_assert_int_eq(on, 0); /* none set yet */
    OK(efs_put_backup_policy(c, fs, 1, &err));
    OK(efs_describe_backup_policy(c, fs, &on, &err));
    ck_assert_int_eq(on, 1); /* ENABLING counts */
    OK(efs_put_backup_policy(c, fs, 0, &err));
    OK(efs_describe_backup_policy(c, fs, &on, &err));
    ck_assert_int_eq(on, 0);
    FAILS_WITH(efs_describe_backup_policy(c, NO_FS, &on, &err), "FileSystemNotFound");
    OK(efs_delete_file_system(c, fs, &err));
    ck_assert_int_eq(efs_put_backup_policy(c, fs, 1, &err), -1); /* deleting, or gone already */
    ck_assert_msg(aws_error_is(&err, AWS_IS_BUSY | AWS_IS_NOT_FOUND), "%s", err.code);
    free(fs);
    aws_client_free(c);
}
END_TEST

START_TEST(lost_create_answer_makes_one_file_system)
{
    aws_client *c = fake_client();
    aws_error err;
    efs_create_fs_in in = {.creation_token = "unit-efs-lost"};
    efs_file_system f;
    int existed = -1;
    fake_lose_next("efs", "CreateFileSystem", "drop");
    OK(efs_create_file_system(c, &in, &f, &existed, &err));
    ck_assert_int_eq(existed, 0); /* found again by its token, not refused as existing */
    ck_assert_str_eq(f.creation_token, "unit-efs-lost");
    efs_file_systems all;
    OK(efs_describe_file_systems(c, "unit-efs-lost", &all, &err));
    ck_assert_uint_eq(all.n, 1);
    ck_assert_str_eq(all.items[0].id, f.id);
    efs_file_systems_free(&all);
    /* sent again after a 500: a file system deleting (or gone) is fine. (A dropped answer
     * is not used for a DELETE here: libcurl may re-send a bodiless request on its own.) */
    fake_lose_next("efs", "DeleteFileSystem", "error");
    OK(efs_delete_file_system(c, f.id, &err));
    OK(efs_wait_file_system(c, f.id, EFS_GONE, &quick, &err));
    efs_file_system_free(&f);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_efs, NULL, NULL, 60, file_systems, mount_targets, access_points, settings,
           lost_create_answer_makes_one_file_system)
