{% for r in results.results if r.plugin == 'entropy' %}
{% set s = r.scan %}
ratio={{ s.ratio }} tiny={{ s.tiny }} huge={{ s.huge }} neg_zero={{ s.neg_zero }} whole={{ s.whole }}
sum={{ s.sections|sum(attribute='entropy') }} avg={{ (s.sections|sum(attribute='entropy') / s.sections|length)|round(3) }}
max={{ (s.sections|max(attribute='entropy')).name }} min={{ (s.sections|min(attribute='entropy')).name }}
big+1={{ s.big + 1 }} big*2={{ s.big * 2 }} bigger={{ s.bigger }} neg={{ s.negative|abs }}
{{ s.huge|int }} {{ s.tiny * 1e7 }} {{ s.whole|int }} {{ s.ratio * 3 }} {{ -s.neg_zero }}
{% endfor %}
