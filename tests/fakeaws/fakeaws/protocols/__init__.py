"""Wire protocols: decode requests into boto3-shaped dicts, encode outputs and errors.

Each module exposes: operation_name(req, info), decode(req, info, op), encode(result,
info, op, request_id), error(err, info, request_id, op), validation_error(problems, info).
"""

from . import jsonproto, query, restjson, restxml, restxml_aws

_BY_NAME = {"json": jsonproto, "query": query.QUERY, "ec2": query.EC2, "rest-xml": restxml,
            "rest-json": restjson}


def get(protocol):
    return _BY_NAME[protocol]


def for_service(info):
    """The codec of one service: rest-xml is S3's dialect for S3 only (Route 53 and
    CloudFront put whole inputs in the body and answer errors as the query protocol)."""
    if info.protocol == "rest-xml" and info.name != "s3":
        return restxml_aws
    return get(info.protocol)
