#!/usr/bin/python3
"""A stand-in analyzer that receives work orders over MLLP, built on python3-hl7 (Debian), an HL7 stack we
did not write. It writes each received message to OUT_DIR/<n>.hl7 and answers with python-hl7's own ACK:
AE for the first FAIL_FIRST messages (to exercise the gateway's retries), AA afterwards.

usage: hl7_analyzer.py PORT OUT_DIR [FAIL_FIRST]
"""
import asyncio
import os
import sys

import hl7
from hl7.mllp import start_hl7_server

PORT = int(sys.argv[1])
OUT = sys.argv[2]
FAIL_FIRST = int(sys.argv[3]) if len(sys.argv) > 3 else 0
received = 0


async def handle(reader, writer):
    global received
    try:
        while not writer.is_closing():
            message = await reader.readmessage()
            received += 1
            with open(os.path.join(OUT, f"{received:04d}.hl7"), "w", encoding="utf-8") as f:
                f.write(str(message))
            code = "AE" if received <= FAIL_FIRST else "AA"
            writer.writemessage(message.create_ack(ack_code=code))
            await writer.drain()
    except asyncio.IncompleteReadError:
        if not writer.is_closing():
            writer.close()
            await writer.wait_closed()


async def main():
    # UTF-8: the work orders carry Vietnamese names (MSH-18 UNICODE UTF-8); python-hl7 defaults to ASCII.
    async with await start_hl7_server(handle, host="127.0.0.1", port=PORT, encoding="utf-8"):
        print("ready", flush=True)
        await asyncio.sleep(600)


asyncio.run(main())
