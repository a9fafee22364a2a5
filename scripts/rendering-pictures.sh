#!/bin/sh
# The pictures of docs/rendering.md: page 1 of the rendered .tex of three documents (run `npm start` first)
# next to the same equations as Zhou & Liang print them (docs/images/zl-app-b-transcribed.tex, transcribed
# from the seed text). Needs pdflatex and pdftoppm (poppler-utils).
set -e
out=docs/images
tmp=$(mktemp -d)
for n in zl-deep-linear-gradient zl-deep-linear-hessian zl-residual-gradient; do
  cp docs/derivations/$n.tex "$tmp/"
  (cd "$tmp" && pdflatex -interaction=nonstopmode -halt-on-error $n.tex > /dev/null)
  pdftoppm -png -r 80 -f 1 -l 1 -singlefile -x 60 -y 90 -W 560 -H 740 "$tmp/$n.pdf" "$out/$n-matcalc"
done
cp $out/zl-app-b-transcribed.tex "$tmp/"
(cd "$tmp" && pdflatex -interaction=nonstopmode -halt-on-error zl-app-b-transcribed.tex > /dev/null)
i=1
for n in zl-deep-linear-gradient zl-deep-linear-hessian zl-residual-gradient; do
  pdftoppm -png -r 80 -f $i -l $i -singlefile -x 60 -y 40 -W 600 -H 340 "$tmp/zl-app-b-transcribed.pdf" "$out/$n-paper"
  i=$((i + 1))
done
rm -rf "$tmp"
