"""moto's Glue and Athena emulator on 127.0.0.1 and a free port, for
test_aws_moto. Runs under the python3 that has moto; prints the port on the
first line and stops when its standard input closes."""
import logging
import sys

from moto.server import ThreadedMotoServer

# One log line per request would bury the test's own output.
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
