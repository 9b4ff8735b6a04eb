#!/usr/bin/env python3
# Regenerate worlds/no_ban.ron from worlds/baseline.ron (run from the repo root):
# the counterfactual differs only in its header, name, description and policy.
import re
src = open('worlds/baseline.ron').read()
old_head = """// chipban world: baseline
//
// China's LLM / AI-cloud sector from January 2022 to December 2027 under the
// two US export-control rules on AI chips (2022-10-07 and 2023-10-17).
"""
assert old_head in src
src = src.replace(old_head, """// chipban world: no_ban (the counterfactual of baseline.ron)
//
// Identical to worlds/baseline.ron in every parameter except the policy:
// here the US never restricts AI-chip exports to China (no 2022-10-07 rule,
// no 2023-10-17 rule), so A100/H100/A800/H800 stay on sale for the whole run.
// Compare a baseline run with a no_ban run on the same seed (common random
// numbers) to measure what the bans did to concentration. Keep the two files
// in step: any change to baseline.ron should be copied here.
// The China-specific chips (A800, H800, H20) stay in the supplier list on
// purpose: read them as Nvidia's China allocation, which without bans would
// have shipped as A100/H100 anyway. Keeping them keeps total supply identical,
// so the comparison isolates the rules themselves (assumption).
//
// What follows is the baseline's documentation, unchanged:
// China's LLM / AI-cloud sector from January 2022 to December 2027 (in the
// baseline, under the two US export-control rules of 2022-10-07 and 2023-10-17).
""")
assert src.count('name: "baseline",')==1
src = src.replace('name: "baseline",', 'name: "no_ban",')
src = re.sub(r'description: "[^"]*",', 'description: "Counterfactual of baseline: the same China AI sector 2022-01..2027-12 with no US chip export rules",', src, count=1)
start = src.index("    policy: Policy(")
end = src.index("    // ------------------------------------------------------------------\n    // Money flows other than funding")
src = src[:start] + """    // The counterfactual: no export-control rules at all. (The grey market
    // stays switched on but has nothing to sell, since no chip is banned.)
    policy: Policy(rules: []),

""" + src[end:]
open('worlds/no_ban.ron','w').write(src)
