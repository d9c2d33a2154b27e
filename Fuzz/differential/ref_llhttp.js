#!/usr/bin/env node
// Reference parser 2: llhttp, the parser inside Node's `http` module, driven directly through the
// binding Node's own HTTP server uses (`process.binding('http_parser').HTTPParser`), in its
// default strict mode (no lenient flags, as `http.createServer()` without `insecureHTTPParser`).
//
// Reads base64 lines (one input each) on stdin and prints one JSON line per input in parsedump's
// schema (see parsedump.swift). Two rules come from Node's HTTP server rather than llhttp, and are
// applied here so that the comparison is with what a Node server would do:
//   - an HTTP/1.1 request without Host is refused with 400 (`requireHostHeader`, on by default);
//   - after a request without keep-alive the connection ends, so later bytes are ignored
//     (llhttp itself reports them as HPE_CLOSED_CONNECTION).
// A request llhttp treats as a protocol upgrade (Upgrade + Connection: upgrade, or CONNECT) ends
// HTTP parsing; it is reported as `"end": "upgrade"`.
'use strict';

process.noDeprecation = true;
// allMethods is indexed by llhttp's method number (methods, which http.METHODS shows, is shorter).
const { HTTPParser, allMethods } = process.binding('http_parser');
const readline = require('readline');

const MAX_HEADER_SIZE = 16384; // the same limit as ParserLimits.maxHeaderSize

function text(s) {
    // llhttp hands Node strings decoded as latin1 (one char per byte); re-decode them as UTF-8
    // with U+FFFD for ill-formed bytes, as the Swift parser does.
    return Buffer.from(s, 'latin1').toString('utf8');
}

function parse(data) {
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {}, MAX_HEADER_SIZE, HTTPParser.kLenientNone);
    const requests = [];
    let current = null;
    let pendingHeaders = [];
    let pendingUrl = '';
    let inMessage = false;
    let closed = false;
    let upgrade = false;
    let hostError = false;
    let body = [];

    parser[HTTPParser.kOnMessageBegin] = () => {
        inMessage = true;
        pendingHeaders = [];
        pendingUrl = '';
    };
    // Called with the fields so far when there are many of them (kOnHeadersComplete then gets
    // none), and with the trailer fields after a chunked body (dropped, as the Swift parser does).
    parser[HTTPParser.kOnHeaders] = (headers, url) => {
        pendingHeaders.push(...headers);
        pendingUrl += url;
    };
    parser[HTTPParser.kOnHeadersComplete] = (
        major, minor, headers, method, url, _status, _message, isUpgrade, keepAlive,
    ) => {
        if (headers === undefined) {
            headers = pendingHeaders;
            url = pendingUrl;
        }
        pendingHeaders = [];
        pendingUrl = '';
        const fields = [];
        for (let i = 0; i < headers.length; i += 2) fields.push([text(headers[i]), text(headers[i + 1])]);
        current = {
            method: allMethods[method],
            target: text(url),
            version: `${major}.${minor}`,
            headers: fields,
            keep_alive: keepAlive,
        };
        body = [];
        if (major === 1 && minor === 1 && !fields.some(([n]) => n.toLowerCase() === 'host')) {
            hostError = true;
            return 1; // skip the body, like Node's server does before it answers 400
        }
        if (isUpgrade) upgrade = true;
        return 0;
    };
    parser[HTTPParser.kOnBody] = (chunk) => {
        body.push(Buffer.from(chunk));
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
        if (hostError) return;
        current.body_b64 = Buffer.concat(body).toString('base64');
        requests.push(current);
        inMessage = false;
        if (!current.keep_alive) closed = true;
        current = null;
    };

    const result = parser.execute(data);
    parser.close?.();
    if (hostError) {
        return { ok: false, status: 400, error: 'missing Host (Node server rule)', after: requests.length, requests };
    }
    if (result instanceof Error) {
        if (closed && result.code === 'HPE_CLOSED_CONNECTION') return { ok: true, end: 'closed', requests };
        const status = result.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
        return { ok: false, status, error: `${result.code}: ${result.reason}`, after: requests.length, requests };
    }
    if (upgrade) {
        if (current) {
            current.body_b64 = '';
            requests.push(current);
        }
        return { ok: true, end: 'upgrade', requests };
    }
    return { ok: true, end: closed ? 'closed' : inMessage ? 'pending' : 'idle', requests };
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const out = [];
rl.on('line', (line) => {
    out.push(JSON.stringify(parse(Buffer.from(line.trim(), 'base64'))));
    if (out.length >= 1000) {
        process.stdout.write(out.join('\n') + '\n');
        out.length = 0;
    }
});
rl.on('close', () => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
});
