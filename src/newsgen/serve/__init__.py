"""newsgen serve: build into a temporary folder, serve it, watch the site, rebuild and reload.

    watch.py     watchdog -> site-relative paths (editor junk dropped, moves followed)
    events.py    coalescing: a burst of changes becomes one rebuild
    changes.py   pure rules: which changes matter, what a build means for each open tab
    session.py   the build loop: first build, rebuilds (what the browser shows first), errors
    clients.py   the open tabs (Server-Sent Events) and what each one shows
    files.py     URL -> file inside the output, MIME types, the reload script injected into HTML
    rwlock.py    requests read the output together; a build publishing its files writes alone
    handler.py   the HTTP request handler
    server.py    `run()`: wires it together, talks to the terminal, exits cleanly
    client.js    the reload + error overlay script (injected into HTML responses only)
"""
