#!/usr/bin/env python3
"""A loopback TCP proxy that delays every HTTP request by a fixed time, and counts them.

Usage: delay_proxy.py --delay-ms D --log FILE LISTEN_PORT=TARGET_HOST:PORT [...]

Each chunk that travels client → server is held for D ms before it is forwarded, so every
request (HTTP/1.1: one request at a time per connection) pays D once, like a network with a
round-trip time of D. Every chunk that starts with an HTTP method appends one line to FILE,
which is the request count. Responses are forwarded without delay.
"""

import argparse
import asyncio

METHODS = (b"GET ", b"HEAD ", b"POST ", b"PUT ", b"PATCH ", b"DELETE ", b"OPTIONS ")


async def pipe(reader, writer, delay, log):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if delay:
                if data.startswith(METHODS):
                    with open(log, "a") as f:
                        f.write(data.split(b" ", 2)[0].decode() + "\n")
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def serve(listen, target, delay, log):
    host, port = target.rsplit(":", 1)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(host, int(port))
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer, delay, log),
            pipe(server_reader, client_writer, 0, log),
        )

    server = await asyncio.start_server(handle, "127.0.0.1", int(listen))
    async with server:
        await server.serve_forever()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--delay-ms", type=float, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("routes", nargs="+")
    a = p.parse_args()
    await asyncio.gather(
        *(serve(*r.split("=", 1), a.delay_ms / 1000.0, a.log) for r in a.routes)
    )


if __name__ == "__main__":
    asyncio.run(main())
