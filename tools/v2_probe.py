#!/usr/bin/env python3
# Calibration probe for Model v2 (docs/calibration.md):
# runs the release binary of this checkout on seeds 1-3 with --set overrides
# and prints the figures of the issue-12 targets (first giant price cut, the
# price fall within six months, IDC token volumes, labs, 01.AI's $1bn round,
# the tigers' share of 2024 VC) and a few other figures (labs, HHI, wage
# index, consolidation, pivots). The five issue-12 targets are now measured
# by `chipban calibrate` (src/calibration.rs, over replicate seeds); this
# probe stays as a quick look at single seeds with the extra figures.
#   tools/v2_probe.py 'pricing.parity_gap=0.3' ...
import csv, sys, subprocess, os
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
def run(sets, seed=42, world="worlds/baseline.ron"):
    out="/tmp/v2x"
    cmd=[os.path.join(ROOT, "target/release/chipban"),"run",world,"--out",out,"--force","--no-charts","--quiet","--seed",str(seed)]
    for s in sets: cmd+=["--set",s]
    r=subprocess.run(cmd,cwd=ROOT,capture_output=True,text=True)
    if r.returncode: print(r.stderr); return None
    months=list(csv.DictReader(open(out+"/months.csv")))
    ev=list(csv.DictReader(open(out+"/events.csv")))
    giants={"Baidu","ByteDance","Tencent","Alibaba"}
    cut=[e for e in ev if e["kind"]=="price_cut" and e["actor"] in giants and "defending" in e["detail"]]
    first=cut[0]["date"] if cut else None
    idx={m["date"]:float(m["token_price_usd_mtok"]) for m in months}
    dates=[m["date"] for m in months]
    fall=None
    if first:
        i=dates.index(first); before=idx[dates[i-1]]; after=min(idx[d] for d in dates[i:i+7])
        fall=1-after/before if before>0 else None
    vol24=sum(float(m["token_volume_ttok"]) for m in months if m["date"].startswith("2024"))
    vol25=sum(float(m["token_volume_ttok"]) for m in months if m["date"] in ["2025-0%d"%k for k in range(1,7)])
    labs23=max(int(m["independent_labs"]) for m in months if m["date"].startswith("2023"))
    firms23=max(int(m["independent_firms"]) for m in months if m["date"].startswith("2023"))
    oneai=[e for e in ev if e["kind"]=="funding_round" and e["target"]=="01.AI"]
    big=[e["date"] for e in oneai if float(e["detail"].split()[1])>=1000]
    tig={"Zhipu AI","MiniMax","Moonshot AI","Baichuan","StepFun","01.AI"}
    # as `chipban calibrate`: rounds of firms that are neither giants nor DeepSeek
    vc24=[e for e in ev if e["kind"]=="funding_round" and e["date"].startswith("2024")
          and e["target"] not in giants and e["target"]!="DeepSeek"]
    tshare=sum(float(e["amount_musd"]) for e in vc24 if e["target"] in tig)/max(1e-9,sum(float(e["amount_musd"]) for e in vc24))
    cons=[m["date"] for m in months if m["consolidating"]=="1"]
    last=months[-1]
    return dict(first_cut=first, fall6=round(fall,2) if fall is not None else None, vol2024=round(vol24), vol2025h1=round(vol25),
                labs23=labs23, firms23=firms23, labs_end=last["independent_labs"], hhi_end=round(float(last["hhi"])),
                wage_end=last["wage_index"], oneai_1bn=big[0] if big else None, tigers_vc24=round(tshare,2),
                consol=cons[0] if cons else None, pivots=last["pivots"])
if __name__=="__main__":
    sets=sys.argv[1:]
    for seed in [1,2,3]:
        print(seed, run(sets, seed))
