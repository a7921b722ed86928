"""`newsgen import`: articles written from a WordPress export (WXR) or a feed (RSS, Atom, JSON Feed).

    wordpress.py / feed.py   read a source into `Entry` values (common.py), one per item, or skip it with a reason
    html.py                  WordPress / feed HTML -> clean Markdown (markdownify), images mapped on the way
    media.py                 images: copied from an uploads folder, downloaded, or kept as remote URLs
    write.py                 the front matter and the files: never overwrites unless asked, nothing in a dry run
    run.py                   the options checked; each entry written (or not), one report line per item
    command.py               what the CLI calls

Nothing here imports the build: an import only writes article files that the next build reads.
"""
