# A FunctionGraph Python function: handler(event, context), as in the cloud.
import json


def handler(event, context):
    logger = context.getLogger()
    name = event.get("name", u"world") if isinstance(event, dict) else u"world"
    logger.info("greeting %s", name)
    print("hello from " + context.getFunctionName())
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": u"Hello, {0}!".format(name),
                            "timeoutSeconds": context.getRunningTimeInSeconds()}, sort_keys=True),
        "isBase64Encoded": False,
    }
