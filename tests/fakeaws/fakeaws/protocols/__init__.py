"""Wire protocols: decode requests into boto3-shaped dicts, encode outputs and errors.

Each module exposes: operation_name(req, info), decode(req, info, op), encode(result,
info, op, request_id), error(err, info, request_id, op), validation_error(problems, info).
"""

from . import jsonproto, query, restjson, restxml

_BY_NAME = {"json": jsonproto, "query": query.QUERY, "ec2": query.EC2, "rest-xml": restxml,
            "rest-json": restjson}


def get(protocol):
    return _BY_NAME[protocol]
