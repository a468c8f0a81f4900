-- 0003: every entity has exactly one nextportal.io/visibility search row (the catalog writes
-- it since visibility exists); backfill it for entities stored before, from the annotation,
-- normalised like auth.ParseVisibility: absent or empty -> internal, unknown -> restricted.
-- Allowed-group rows need the catalog's ref parsing, so those entities' next refresh
-- rewrites them (their content hash changed); until then restricted means owners only.

INSERT INTO search (entity_uid, key, value, original_value)
SELECT v.uid, 'nextportal.io/visibility', v.vis, v.vis
FROM (
    SELECT e.uid,
        CASE lower(trim(coalesce(json_extract(e.body, '$.metadata.annotations."nextportal.io/visibility"'), '')))
            WHEN '' THEN 'internal'
            WHEN 'public' THEN 'public'
            WHEN 'internal' THEN 'internal'
            ELSE 'restricted'
        END AS vis
    FROM entities e
    WHERE NOT EXISTS (
        SELECT 1 FROM search s WHERE s.entity_uid = e.uid AND s.key = 'nextportal.io/visibility'
    )
) AS v;
