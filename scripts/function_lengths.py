#!/usr/bin/env python3
# Lists C++ function bodies over 40 lines (DEVELOPERS.md: functions short): python3 scripts/function_lengths.py orchestrator/*.cc orchestrator/*.h
# A brace counter, not a parser: a body is a brace block opened at namespace/class scope after a ")".
import sys,re
# Function bodies: a '{' ending a line whose brace depth (outside namespaces/classes) is the function level.
for path in sys.argv[1:]:
    lines=open(path).read().split('\n')
    stack=[]  # (kind,startline)
    for i,l in enumerate(lines):
        s=re.sub(r'"(\\.|[^"\\])*"','""',l)
        s=re.sub(r"'(\\.|[^'\\])*'","''",s)
        s=s.split('//')[0]
        for ch in s:
            if ch=='{':
                head=' '.join(x.strip() for x in lines[max(0,i-3):i+1])
                if re.search(r'\bnamespace\b[^;{]*\{\s*$',l) or re.search(r'\b(class|struct|enum|union)\b[^;()]*\{\s*$',l) or re.search(r'^\s*(extern "C")',l):
                    stack.append(('scope',i))
                elif all(k=='scope' for k,_ in stack) and ')' in head:
                    stack.append(('func',i))
                else:
                    stack.append(('block',i))
            elif ch=='}':
                if not stack: continue
                k,st=stack.pop()
                if k=='func':
                    n=i-st-1
                    if n>40: print(f"{path}:{st+1}: {n} lines: {lines[st].strip()[:80]}")
