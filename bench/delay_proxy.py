#!/usr/bin/env python3
"""A TCP proxy that adds latency: every chunk is forwarded RTT/2 after it arrived, in each
direction, so one request/response exchange costs one RTT more than without the proxy.

Usage: delay_proxy.py LISTEN_PORT UPSTREAM_HOST:PORT RTT_MS [REQUEST_LOG]

With REQUEST_LOG, the first line of every HTTP/1.x request seen from clients
("GET /v2/... HTTP/1.1") is appended to that file with a timestamp, so a benchmark can
count the requests each tool made. TCP connection set-up to the proxy is not delayed.
"""

import asyncio
import re
import sys
import time

REQUEST_LINE = re.compile(rb"(?:^|\r\n)((?:GET|HEAD|POST|PUT|PATCH|DELETE) \S+ HTTP/1\.[01])\r\n")


async def pump(reader, writer, delay, log=None):
    queue = asyncio.Queue()

    async def send():
        while True:
            due, chunk = await queue.get()
            if chunk is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()
        writer.close()

    sender = asyncio.create_task(send())
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                break
            if log is not None:
                for m in REQUEST_LINE.finditer(chunk):
                    log.write(f"{time.time():.3f} {m.group(1).decode(errors='replace')}\n")
                    log.flush()
            await queue.put((time.monotonic() + delay, chunk))
    except ConnectionError:
        pass
    await queue.put((0, None))
    try:
        await sender
    except ConnectionError:
        pass


async def main():
    listen_port = int(sys.argv[1])
    up_host, up_port = sys.argv[2].rsplit(":", 1)
    delay = float(sys.argv[3]) / 2000.0
    log = open(sys.argv[4], "a") if len(sys.argv) > 4 else None

    async def handle(client_reader, client_writer):
        try:
            up_reader, up_writer = await asyncio.open_connection(up_host, int(up_port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pump(client_reader, up_writer, delay, log),
            pump(up_reader, client_writer, delay),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
