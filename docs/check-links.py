#!/usr/bin/env python3
# Checks every relative link (file and #anchor, GitHub-style) and every backticked repository path in README.md and
# docs/**/*.md. Usage: python3 docs/check-links.py [repository root, default .]
import os, re, sys, glob
root = sys.argv[1] if len(sys.argv) > 1 else "."
files = [os.path.join(root, 'README.md')] + glob.glob(os.path.join(root, 'docs', '**', '*.md'), recursive=True)
def slug(h):
    h = re.sub(r'`', '', h.strip().lower())
    h = re.sub(r'[^\w\- ]', '', h)   # drop punctuation (GitHub keeps letters, digits, _, -, space)
    return h.replace(' ', '-')
def anchors(path):
    text = open(path).read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)
    seen = {}
    out = set()
    for h in re.findall(r'^#{1,6}\s+(.*)$', text, flags=re.M):
        s = slug(h); n = seen.get(s, 0); seen[s] = n + 1
        out.add(s if n == 0 else f'{s}-{n}')
    return out
bad = 0
for f in files:
    text = re.sub(r'```.*?```', '', open(f).read(), flags=re.S)
    for target in re.findall(r'\]\(([^)\s]+)\)', text):
        if re.match(r'[a-z]+:', target): continue
        path, _, frag = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        if not os.path.exists(dest):
            print(f'{os.path.relpath(f, root)}: missing {target}'); bad += 1; continue
        if frag and dest.endswith('.md') and frag not in anchors(dest):
            print(f'{os.path.relpath(f, root)}: no anchor #{frag} in {os.path.relpath(dest, root)}'); bad += 1
    # backticked repo paths like `bin/demo`, `conf/producer-a.json`
    for p in re.findall(r'`((?:bin|conf|docs|chaos|shared|producer-a|consumer-b|testkit|integration-tests|local-kafka|bench)/[\w./-]*)`', text):
        if 'target' in p or '<' in p: continue
        if not os.path.exists(os.path.join(root, p)):
            print(f'{os.path.relpath(f, root)}: path `{p}` does not exist'); bad += 1
print(f'{len(files)} files checked, {bad} problem(s)')
sys.exit(1 if bad else 0)
