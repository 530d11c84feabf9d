-- shop-load.sql: fills the Lifeboat demo database `shop` (a real-estate app) with realistic,
-- deterministic data, generated server-side with generate_series.
--
--   psql -v ON_ERROR_STOP=1 -v scale=0.01 -d shop -f shop-load.sql
--
-- Needs the tables of shop-schema.sql. Reload-safe: the load TRUNCATEs all six tables first
-- (RESTART IDENTITY) and runs in one transaction, so it can be run again and again without
-- re-running the schema file; a failed load leaves the previous data in place.
--
-- Rows per table = greatest(1, round(base * scale)); scale defaults to 1:
--   users 50,000  properties 1,000,000  listings 500,000  searches 2,000,000
--   transactions 100,000  alerts 500,000                  (4,150,000 rows at scale 1)
--
-- Every value is derived from a hash of the row id (hashint8extended with a per-column
-- salt) and fixed timestamps, so two loads at the same scale produce identical data whatever
-- the plan or the clock. Names, streets and suburbs come from Sydney and Tokyo (plus a few
-- other Australian and Japanese cities); prices are log-normal around local medians in AUD
-- or JPY; text is kept ASCII so any database encoding works.

\set ON_ERROR_STOP 1
\if :{?scale}
\else
  \set scale 1
\endif

SET client_min_messages = warning;
SET TimeZone = 'UTC';              -- timestamps and to_char() must not depend on the session
SET synchronous_commit = off;      -- faster commits; the data can always be regenerated
SET work_mem = '64MB';
SET maintenance_work_mem = '256MB';
SET jit = off;                     -- no JIT compile pauses on these wide expressions

SELECT greatest(1, round(  50000 * (:'scale')::numeric))::bigint AS n_users,
       greatest(1, round(1000000 * (:'scale')::numeric))::bigint AS n_properties,
       greatest(1, round( 500000 * (:'scale')::numeric))::bigint AS n_listings,
       greatest(1, round(2000000 * (:'scale')::numeric))::bigint AS n_searches,
       greatest(1, round( 100000 * (:'scale')::numeric))::bigint AS n_transactions,
       greatest(1, round( 500000 * (:'scale')::numeric))::bigint AS n_alerts
\gset
\echo shop-load: scale :scale -> users :n_users, properties :n_properties, listings :n_listings, searches :n_searches, transactions :n_transactions, alerts :n_alerts

BEGIN;

-- ---------------------------------------------------------------------------------------
-- Helpers, in pg_temp so they vanish with the session. All are simple SQL expressions that
-- the planner inlines, so calling them per row costs no more than writing them out. (Inlining
-- needs the declared volatility to match the body: text || number and timestamptz + interval
-- are only STABLE, so the functions using them are declared STABLE.)
-- ---------------------------------------------------------------------------------------

-- Uniform pseudo-random number in [0, 1) for (row id, salt).
CREATE FUNCTION pg_temp.u(id bigint, salt int) RETURNS double precision
LANGUAGE sql IMMUTABLE AS
$$ SELECT ((hashint8extended(id, salt) >> 11) & 4503599627370495)::float8 / 4503599627370496::float8 $$;

-- Standard normal pseudo-random number (Box-Muller) for (row id, salt).
CREATE FUNCTION pg_temp.z(id bigint, salt int) RETURNS double precision
LANGUAGE sql IMMUTABLE AS
$$ SELECT sqrt(-2 * ln(1 - pg_temp.u(id, salt))) * cos(2 * pi() * pg_temp.u(id, salt + 7919)) $$;

-- One element of a list, chosen by (row id, salt).
CREATE FUNCTION pg_temp.pick(a text[], id bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT a[1 + floor(pg_temp.u(id, salt) * cardinality(a))::int] $$;

-- Two different elements of a list joined by ' and '.
CREATE FUNCTION pg_temp.pick2(a text[], id bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE AS
$$ SELECT a[1 + floor(pg_temp.u(id, salt) * cardinality(a))::int] || ' and ' ||
          a[1 + (floor(pg_temp.u(id, salt) * cardinality(a))::int + 1
                 + floor(pg_temp.u(id, salt + 1) * (cardinality(a) - 1))::int) % cardinality(a)] $$;

-- A point in time between lo and hi; r in [0, 1).
CREATE FUNCTION pg_temp.ts(lo timestamptz, hi timestamptz, r double precision) RETURNS timestamptz
LANGUAGE sql STABLE AS
$$ SELECT lo + (hi - lo) * r $$;

-- How people write a price: $1.25m, $850k, JPY 68.5m.
CREATE FUNCTION pg_temp.money_text(p numeric, country text) RETURNS text
LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN country = 'AU' AND p >= 1000000 THEN '$' || trim_scale(round(p / 1000000, 2)) || 'm'
               WHEN country = 'AU' THEN '$' || round(p / 1000) || 'k'
               ELSE 'JPY ' || trim_scale(round(p / 1000000, 1)) || 'm' END $$;

-- Room layout as written locally: 3-bedroom / studio in Australia, 3LDK / 1K in Japan.
CREATE FUNCTION pg_temp.layout(country text, ptype text, beds int) RETURNS text
LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN ptype = 'land' THEN 'vacant'
               WHEN country = 'JP' THEN CASE WHEN beds = 0 THEN '1K' ELSE beds || 'LDK' END
               WHEN beds = 0 THEN 'studio'
               ELSE beds || '-bedroom' END $$;

-- Median price of a property type, in local currency, before suburb and size adjustments.
CREATE FUNCTION pg_temp.base_price(country text, ptype text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN country = 'AU' THEN
                 CASE ptype WHEN 'house' THEN 1450000 WHEN 'apartment' THEN 780000
                            WHEN 'townhouse' THEN 1050000 WHEN 'terrace' THEN 1350000
                            WHEN 'villa' THEN 950000 ELSE 900000 END
               ELSE
                 CASE ptype WHEN 'house' THEN 72000000 WHEN 'apartment' THEN 62000000
                            WHEN 'townhouse' THEN 58000000 ELSE 48000000 END
          END::float8 $$;

-- Word lists. Called with a constant, so each call folds into a constant array at plan time.
CREATE FUNCTION pg_temp.w(list text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE list
  WHEN 'given_au' THEN ARRAY['Oliver','Jack','William','Noah','Thomas','James','Lucas','Henry',
    'Leo','Charlie','Liam','Ethan','Samuel','Max','Harrison','Isaac','Benjamin','Alexander',
    'Daniel','Matthew','Joshua','Ryan','Michael','David','Andrew','Peter','Mark','Chris','Luke',
    'Nathan','Wei','Arjun','Minh','Omar','Giorgos','Marco','Charlotte','Olivia','Amelia','Isla',
    'Mia','Ava','Grace','Chloe','Sophie','Emily','Ruby','Zoe','Hannah','Lily','Ella','Sarah',
    'Jessica','Emma','Georgia','Lucy','Rebecca','Kate','Michelle','Rachel','Laura','Priya',
    'Mei','Anh','Sienna','Matilda','Fatima','Sofia','Elena','Aisha']
  WHEN 'family_au' THEN ARRAY['Smith','Jones','Williams','Brown','Wilson','Taylor','Johnson',
    'White','Martin','Anderson','Thompson','Nguyen','Thomas','Walker','Harris','Lee','Ryan',
    'Robinson','Kelly','King','Davis','Wright','Evans','Roberts','Green','Hall','Wood','Jackson',
    'Clarke','Patel','Khan','Chen','Wang','Li','Zhang','Tran','Singh','Papadopoulos','Murphy',
    'O''Brien','Mitchell','Campbell','Stewart','Moore','Young','Hughes','Edwards','Baker',
    'Cooper','Ward','Turner','Morris','Phillips','Russo','Rossi','Kim','Park','Ali','Hassan',
    'Nikolaidis','Sharma','Le','Huang','McDonald','Fraser']
  WHEN 'given_jp' THEN ARRAY['Haruto','Yuto','Sota','Yuki','Hayato','Haruki','Ren','Kaito',
    'Riku','Sora','Takumi','Daiki','Kenji','Hiroshi','Takeshi','Kazuki','Shota','Ryota','Naoki',
    'Kenta','Makoto','Satoshi','Tomoya','Yusuke','Akira','Yui','Hina','Aoi','Sakura','Mei',
    'Yuna','Rin','Akari','Miyu','Koharu','Emi','Haruka','Ayaka','Misaki','Nanami','Yuka','Mai',
    'Keiko','Yoko','Tomoko','Naomi','Aya','Saki','Rina','Mio','Chihiro','Kaori']
  WHEN 'family_jp' THEN ARRAY['Sato','Suzuki','Takahashi','Tanaka','Watanabe','Ito','Yamamoto',
    'Nakamura','Kobayashi','Kato','Yoshida','Yamada','Sasaki','Yamaguchi','Matsumoto','Inoue',
    'Kimura','Hayashi','Shimizu','Yamazaki','Mori','Abe','Ikeda','Hashimoto','Yamashita',
    'Ishikawa','Nakajima','Maeda','Fujita','Ogawa','Goto','Okada','Hasegawa','Murakami','Kondo',
    'Ishii','Saito','Sakamoto','Endo','Aoki','Fujii','Nishimura','Fukuda','Ota','Miura',
    'Fujiwara','Okamoto','Matsuda','Nakagawa','Nakano','Harada','Ono','Tamura','Takeuchi']
  WHEN 'mail_au' THEN ARRAY['gmail.com','gmail.com','gmail.com','outlook.com','hotmail.com',
    'bigpond.com','icloud.com','yahoo.com.au','optusnet.com.au','tpg.com.au','live.com.au']
  WHEN 'mail_jp' THEN ARRAY['gmail.com','gmail.com','yahoo.co.jp','yahoo.co.jp','icloud.com',
    'docomo.ne.jp','ezweb.ne.jp','outlook.jp','softbank.ne.jp','nifty.com']
  WHEN 'agency_au' THEN ARRAY['Harbourside Realty','Eastern Suburbs Property',
    'Coastline Estate Agents','Inner West Homes','North Shore Residential','Parkview Real Estate',
    'Southern Cross Property','Blue Gum Realty','Wattle and Co','Sandstone Property Group',
    'Bayside Agents','Jacaranda Estates']
  WHEN 'agency_jp' THEN ARRAY['Sakura Homes','Tokyo Residence Partners','Hikari Realty',
    'Minato Estate','Aozora Fudosan','Midori Housing','Kaede Property','Fuji Realty',
    'Sumika Real Estate','Tsubame Homes']
  WHEN 'street_au' THEN ARRAY['George Street','Oxford Street','Crown Street','King Street',
    'Victoria Road','Pacific Highway','Military Road','Bronte Road','Campbell Parade',
    'Bourke Street','Elizabeth Street','Cleveland Street','Glebe Point Road','Darling Street',
    'Parramatta Road','Anzac Parade','Old South Head Road','New South Head Road','Ocean Street',
    'Queen Street','Church Street','High Street','Railway Parade','Station Street','Park Road',
    'Beach Road','Harbour Street','Wattle Street','Banksia Avenue','Jacaranda Crescent',
    'Waratah Street','Grevillea Close','Acacia Drive','Boronia Street','Bay Street',
    'Marine Parade','Hill Street','Mount Street','Albert Street','Edward Street',
    'William Street','Palmer Street','Macleay Street','Johnston Street','Rose Street',
    'Lilyfield Road','Enmore Road','Illawarra Road','Addison Road','Belmore Street',
    'Carrington Road','Botany Road','Liverpool Road','Burwood Road','Forest Road',
    'Bellevue Road','Spit Road','Lyons Road','Stanmore Road','Norton Street','Errol Street',
    'Smith Street','Chapel Street','Brunswick Street','Latrobe Terrace','Oxford Terrace']
  WHEN 'street_jp' THEN ARRAY['Meiji-dori','Aoyama-dori','Omotesando','Yasukuni-dori',
    'Roppongi-dori','Gaien-nishi-dori','Kototoi-dori','Shinjuku-dori','Kannana-dori',
    'Yamate-dori','Komazawa-dori','Kyu-yamate-dori','Hakusan-dori','Showa-dori','Chuo-dori',
    'Harumi-dori','Sotobori-dori','Kasuga-dori','Ome-kaido','Koshu-kaido','Setagaya-dori',
    'Mejiro-dori','Shinobazu-dori','Kiyosumi-dori','Eitai-dori','Sakurada-dori','Hibiya-dori',
    'Kanpachi-dori','Inokashira-dori','Waseda-dori','Sangenjaya-dori','Itsukaichi-kaido']
  WHEN 'adj' THEN ARRAY['Sun-drenched','Renovated','Charming','Spacious','Architect-designed',
    'Light-filled','Immaculate','Character-filled','Modern','Elegant','Low-maintenance',
    'Stylish','Quiet','Freshly updated','Contemporary','Classic','Tightly held','Well-kept',
    'Bright','Generous','Impeccably presented','Peaceful','Versatile','Refined','Cosy',
    'Move-in ready','Executive','Family-friendly','Deceptively spacious','Beautifully restored']
  WHEN 'where_au' THEN ARRAY['in the heart of','on a quiet street in','moments from the station in',
    'close to schools and parks in','a short stroll to the shops in','on a leafy avenue in',
    'in a sought-after pocket of','steps from the village in','tucked away in',
    'with district views in','on a wide frontage in','in a boutique block in']
  WHEN 'intro' THEN ARRAY['Features include','Highlights include','Offering','Enjoy','Boasting',
    'Inside you will find','Comes with','Expect']
  WHEN 'feat_au' THEN ARRAY['a north-facing courtyard','an open-plan kitchen with stone benchtops',
    'polished timber floors','ducted air conditioning','a lock-up garage','built-in wardrobes',
    'harbour glimpses','a covered alfresco deck','a study nook','floor-to-ceiling windows',
    'a renovated bathroom','a landscaped garden','gas cooking','secure parking',
    'a rooftop terrace','ample storage','solar panels','a sparkling pool','high ceilings',
    'ornate period details','a sunny balcony','a separate laundry',
    'internal access to the garage','a gas fireplace','a chef''s kitchen with butler''s pantry',
    'a self-contained granny flat','a family-sized rumpus room','double glazing',
    'a wine cellar','ocean views']
  WHEN 'feat_jp' THEN ARRAY['floor heating','a south-facing balcony','an auto-lock entrance',
    'a walk-in closet','a bathroom dryer','a delivery box','a pet-friendly building',
    'a system kitchen with dishwasher','a separate toilet and washroom',
    'a 24-hour garbage station','a concierge service','earthquake-resistant construction',
    'double-glazed windows','a roof balcony','a bicycle parking space',
    'a corner unit with two aspects','a spacious genkan with shoe storage','a tatami room',
    'city views','a renovated unit bath','a private garden','a parking space',
    'a reheat bath function','high ceilings','a storage room']
  WHEN 'close_au' THEN ARRAY['Inspection by appointment.','Walk to cafes, parks and transport.',
    'Ideal for first-home buyers or investors.','Motivated vendor, bring all offers.',
    'Open home this Saturday.','Currently leased, great yield.','Auction unless sold prior.',
    'Zoned for top local schools.','Strata levies on request.',
    'Move straight in or renovate to add value.','Priced to sell.','A must to inspect.',
    'Contact the agent for the contract of sale.','Rarely offered in this location.']
  WHEN 'close_jp' THEN ARRAY['Viewings available on weekends.',
    'Management fee and repair reserve apply.','Vacant and ready to move in.',
    'Convenient for commuting to central Tokyo.','Supermarkets and clinics nearby.',
    'Full renovation completed recently.','Foreign buyers welcome, English support available.',
    'Currently tenanted, suitable for investment.','Quiet residential area close to parks.',
    'Within the catchment of popular schools.']
  WHEN 'land_adj' THEN ARRAY['level','elevated','north-facing','corner','dual-frontage',
    'cleared','wide-frontage','gently sloping','rectangular']
  WHEN 'land_au' THEN ARRAY['Approved plans for a four-bedroom home.',
    'Zoned R2 low density residential.','Services connected and ready to build.',
    'Quiet cul-de-sac position.','Walk to transport and local shops.','Bring your builder.',
    'Potential for dual occupancy (STCA).']
  WHEN 'land_jp' THEN ARRAY['Building conditions apply.','Suitable for a three-storey home.',
    'Flat plot on a quiet lane.','Existing old house to be demolished.',
    'Road frontage of 6 metres.','Building coverage ratio 60 percent.']
  WHEN 'stype_au' THEN ARRAY['house','house','house','apartment','apartment','apartment',
    'townhouse','terrace','villa']
  WHEN 'stype_jp' THEN ARRAY['apartment','apartment','apartment','house','house','townhouse']
  WHEN 'sort' THEN ARRAY['relevance','relevance','newest','newest','price_asc','price_desc']
  END $$;

-- Suburbs and districts with their postcode, approximate centre and a price factor. Tokyo
-- addresses use the special ward as the city and the prefecture as the state.
CREATE TEMP TABLE loc ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY country, city, suburb)::int AS id,
       row_number() OVER (PARTITION BY country ORDER BY city, suburb)::int AS pos,
       CASE country WHEN 'AU' THEN 'sydney' ELSE 'tokyo' END AS region,
       v.*
FROM (VALUES
  ('AU','Bondi','Sydney','NSW','2026',-33.891,151.274,1.60),
  ('AU','Bondi Junction','Sydney','NSW','2022',-33.893,151.247,1.40),
  ('AU','Coogee','Sydney','NSW','2034',-33.920,151.255,1.50),
  ('AU','Randwick','Sydney','NSW','2031',-33.914,151.241,1.30),
  ('AU','Maroubra','Sydney','NSW','2035',-33.950,151.239,1.20),
  ('AU','Surry Hills','Sydney','NSW','2010',-33.886,151.211,1.30),
  ('AU','Darlinghurst','Sydney','NSW','2010',-33.879,151.219,1.20),
  ('AU','Paddington','Sydney','NSW','2021',-33.884,151.227,1.60),
  ('AU','Double Bay','Sydney','NSW','2028',-33.878,151.243,2.10),
  ('AU','Rose Bay','Sydney','NSW','2029',-33.870,151.270,2.00),
  ('AU','Newtown','Sydney','NSW','2042',-33.897,151.179,1.10),
  ('AU','Marrickville','Sydney','NSW','2204',-33.911,151.155,1.00),
  ('AU','Glebe','Sydney','NSW','2037',-33.879,151.185,1.10),
  ('AU','Camperdown','Sydney','NSW','2050',-33.889,151.176,1.00),
  ('AU','Balmain','Sydney','NSW','2041',-33.858,151.179,1.50),
  ('AU','Leichhardt','Sydney','NSW','2040',-33.883,151.157,1.20),
  ('AU','Redfern','Sydney','NSW','2016',-33.893,151.205,1.00),
  ('AU','Zetland','Sydney','NSW','2017',-33.906,151.208,0.90),
  ('AU','Pyrmont','Sydney','NSW','2009',-33.870,151.194,1.10),
  ('AU','Mosman','Sydney','NSW','2088',-33.829,151.244,2.20),
  ('AU','Neutral Bay','Sydney','NSW','2089',-33.832,151.219,1.50),
  ('AU','Manly','Sydney','NSW','2095',-33.797,151.285,1.90),
  ('AU','Dee Why','Sydney','NSW','2099',-33.751,151.285,1.10),
  ('AU','Chatswood','Sydney','NSW','2067',-33.797,151.181,1.20),
  ('AU','Lane Cove','Sydney','NSW','2066',-33.815,151.167,1.30),
  ('AU','Ryde','Sydney','NSW','2112',-33.815,151.105,0.95),
  ('AU','Epping','Sydney','NSW','2121',-33.773,151.082,1.00),
  ('AU','Hornsby','Sydney','NSW','2077',-33.703,151.099,0.85),
  ('AU','Castle Hill','Sydney','NSW','2154',-33.730,151.004,1.00),
  ('AU','Parramatta','Sydney','NSW','2150',-33.815,151.001,0.75),
  ('AU','Strathfield','Sydney','NSW','2135',-33.873,151.094,1.10),
  ('AU','Burwood','Sydney','NSW','2134',-33.877,151.104,1.00),
  ('AU','Ashfield','Sydney','NSW','2131',-33.888,151.125,0.95),
  ('AU','Hurstville','Sydney','NSW','2220',-33.967,151.102,0.85),
  ('AU','Kogarah','Sydney','NSW','2217',-33.963,151.133,0.90),
  ('AU','Cronulla','Sydney','NSW','2230',-34.057,151.152,1.20),
  ('AU','Sutherland','Sydney','NSW','2232',-34.031,151.058,0.85),
  ('AU','Liverpool','Sydney','NSW','2170',-33.920,150.924,0.60),
  ('AU','Blacktown','Sydney','NSW','2148',-33.769,150.906,0.60),
  ('AU','Penrith','Sydney','NSW','2750',-33.751,150.694,0.55),
  ('AU','Richmond','Melbourne','VIC','3121',-37.823,144.998,0.95),
  ('AU','Fitzroy','Melbourne','VIC','3065',-37.798,144.978,1.00),
  ('AU','St Kilda','Melbourne','VIC','3182',-37.864,144.982,0.90),
  ('AU','Brunswick','Melbourne','VIC','3056',-37.767,144.962,0.85),
  ('AU','South Yarra','Melbourne','VIC','3141',-37.838,144.992,1.10),
  ('AU','New Farm','Brisbane','QLD','4005',-27.467,153.051,0.95),
  ('AU','Paddington','Brisbane','QLD','4064',-27.460,153.005,0.90),
  ('AU','West End','Brisbane','QLD','4101',-27.482,153.010,0.80),
  ('AU','Fremantle','Perth','WA','6160',-32.056,115.748,0.75),
  ('AU','Norwood','Adelaide','SA','5067',-34.921,138.630,0.70),
  ('JP','Ebisu','Shibuya-ku','Tokyo','150-0013',35.647,139.710,1.80),
  ('JP','Jingumae','Shibuya-ku','Tokyo','150-0001',35.670,139.706,2.00),
  ('JP','Daikanyama','Shibuya-ku','Tokyo','150-0034',35.649,139.703,1.90),
  ('JP','Roppongi','Minato-ku','Tokyo','106-0032',35.663,139.731,2.20),
  ('JP','Azabu-Juban','Minato-ku','Tokyo','106-0045',35.655,139.737,2.10),
  ('JP','Shirokane','Minato-ku','Tokyo','108-0072',35.643,139.727,2.00),
  ('JP','Akasaka','Minato-ku','Tokyo','107-0052',35.673,139.737,2.00),
  ('JP','Nishi-Shinjuku','Shinjuku-ku','Tokyo','160-0023',35.692,139.692,1.50),
  ('JP','Kagurazaka','Shinjuku-ku','Tokyo','162-0825',35.702,139.740,1.60),
  ('JP','Nakameguro','Meguro-ku','Tokyo','153-0061',35.644,139.699,1.60),
  ('JP','Jiyugaoka','Meguro-ku','Tokyo','152-0035',35.607,139.669,1.40),
  ('JP','Sangenjaya','Setagaya-ku','Tokyo','154-0024',35.643,139.670,1.30),
  ('JP','Shimokitazawa','Setagaya-ku','Tokyo','155-0031',35.661,139.667,1.20),
  ('JP','Futako-Tamagawa','Setagaya-ku','Tokyo','158-0094',35.611,139.627,1.20),
  ('JP','Kichijoji','Musashino','Tokyo','180-0004',35.703,139.580,1.10),
  ('JP','Koenji','Suginami-ku','Tokyo','166-0002',35.705,139.649,1.00),
  ('JP','Ogikubo','Suginami-ku','Tokyo','167-0051',35.705,139.620,1.00),
  ('JP','Nakano','Nakano-ku','Tokyo','164-0001',35.707,139.666,1.00),
  ('JP','Ikebukuro','Toshima-ku','Tokyo','171-0021',35.729,139.711,1.10),
  ('JP','Yanaka','Taito-ku','Tokyo','110-0001',35.726,139.767,1.00),
  ('JP','Asakusa','Taito-ku','Tokyo','111-0032',35.712,139.797,1.00),
  ('JP','Ueno','Taito-ku','Tokyo','110-0005',35.711,139.776,1.00),
  ('JP','Tsukishima','Chuo-ku','Tokyo','104-0052',35.663,139.783,1.30),
  ('JP','Nihonbashi','Chuo-ku','Tokyo','103-0027',35.683,139.774,1.50),
  ('JP','Toyosu','Koto-ku','Tokyo','135-0061',35.655,139.796,1.20),
  ('JP','Kiyosumi','Koto-ku','Tokyo','135-0024',35.681,139.797,1.00),
  ('JP','Oshiage','Sumida-ku','Tokyo','131-0045',35.710,139.813,0.90),
  ('JP','Senju','Adachi-ku','Tokyo','120-0034',35.749,139.805,0.70),
  ('JP','Akabane','Kita-ku','Tokyo','115-0045',35.778,139.721,0.75),
  ('JP','Nerima','Nerima-ku','Tokyo','176-0001',35.736,139.652,0.70),
  ('JP','Kamata','Ota-ku','Tokyo','144-0052',35.561,139.716,0.75),
  ('JP','Osaki','Shinagawa-ku','Tokyo','141-0032',35.620,139.728,1.30),
  ('JP','Higashi-Gotanda','Shinagawa-ku','Tokyo','141-0022',35.626,139.723,1.20),
  ('JP','Minatomirai','Yokohama','Kanagawa','220-0012',35.458,139.632,1.00),
  ('JP','Yamate','Yokohama','Kanagawa','231-0862',35.437,139.651,0.95),
  ('JP','Musashi-Kosugi','Kawasaki','Kanagawa','211-0063',35.576,139.659,1.00),
  ('JP','Umeda','Osaka','Osaka','530-0001',34.702,135.496,0.90),
  ('JP','Namba','Osaka','Osaka','542-0076',34.665,135.501,0.80)
) AS v(country, suburb, city, state, postcode, lat, lon, factor);

SELECT count(*) AS n_loc,
       count(*) FILTER (WHERE region = 'sydney') AS n_loc_sydney,
       count(*) FILTER (WHERE region = 'tokyo') AS n_loc_tokyo
FROM loc
\gset
ANALYZE loc;

TRUNCATE alerts, transactions, searches, listings, properties, users RESTART IDENTITY;

-- ---------------------------------------------------------------------------------------
-- users: 58% Sydney, 42% Tokyo; about 2% are agents (user 1 in Sydney and user 2 in Tokyo
-- always are, so every region has one even at tiny scales).
-- ---------------------------------------------------------------------------------------
\echo shop-load: users
INSERT INTO users (id, email, full_name, phone, home_region, locale, is_agent, agency_name,
                   created_at, last_login_at)
SELECT id,
       lower(regexp_replace(CASE floor(pg_temp.u(id, 5) * 4)
                              WHEN 0 THEN given || '.' || family
                              WHEN 1 THEN left(given, 1) || family
                              WHEN 2 THEN given || family
                              ELSE family || '.' || given END, '[^A-Za-z.]', '', 'g'))
         || id || '@' ||
         CASE WHEN is_agent THEN lower(regexp_replace(agency, '[^A-Za-z]', '', 'g'))
                                 || CASE region WHEN 'sydney' THEN '.com.au' ELSE '.co.jp' END
              WHEN region = 'sydney' THEN pg_temp.pick(pg_temp.w('mail_au'), id, 6)
              ELSE pg_temp.pick(pg_temp.w('mail_jp'), id, 6) END,
       given || ' ' || family,
       CASE WHEN pg_temp.u(id, 7) < 0.08 THEN NULL
            WHEN region = 'sydney' THEN
              '+61 4' || lpad(floor(pg_temp.u(id, 8) * 100)::text, 2, '0') || ' '
                      || lpad(floor(pg_temp.u(id, 9) * 1000)::text, 3, '0') || ' '
                      || lpad(floor(pg_temp.u(id, 10) * 1000)::text, 3, '0')
            ELSE
              '+81 ' || (7 + floor(pg_temp.u(id, 8) * 3))::int || '0-'
                     || lpad(floor(pg_temp.u(id, 9) * 10000)::text, 4, '0') || '-'
                     || lpad(floor(pg_temp.u(id, 10) * 10000)::text, 4, '0')
       END,
       region,
       CASE region WHEN 'sydney' THEN 'en-AU' ELSE 'ja-JP' END,
       is_agent,
       agency,
       created_at,
       CASE WHEN pg_temp.u(id, 11) < 0.05 THEN NULL
            ELSE pg_temp.ts(created_at, '2025-06-30 23:59:59+00', pg_temp.u(id, 12) ^ 0.3) END
FROM (
  SELECT id, region, is_agent,
         CASE WHEN is_agent AND region = 'sydney' THEN pg_temp.pick(pg_temp.w('agency_au'), id, 4)
              WHEN is_agent THEN pg_temp.pick(pg_temp.w('agency_jp'), id, 4) END AS agency,
         CASE region WHEN 'sydney' THEN pg_temp.pick(pg_temp.w('given_au'), id, 2)
                     ELSE pg_temp.pick(pg_temp.w('given_jp'), id, 2) END AS given,
         CASE region WHEN 'sydney' THEN pg_temp.pick(pg_temp.w('family_au'), id, 3)
                     ELSE pg_temp.pick(pg_temp.w('family_jp'), id, 3) END AS family,
         pg_temp.ts('2016-01-01 00:00:00+00', '2025-06-30 00:00:00+00', pg_temp.u(id, 13) ^ 0.6)
           AS created_at
  FROM (
    SELECT g.id,
           CASE WHEN g.id = 1 THEN 'sydney' WHEN g.id = 2 THEN 'tokyo'
                WHEN pg_temp.u(g.id, 1) < 0.58 THEN 'sydney' ELSE 'tokyo' END AS region,
           g.id <= 2 OR pg_temp.u(g.id, 14) < 0.02 AS is_agent
    FROM generate_series(1, :n_users) AS g(id)
    OFFSET 0
  ) r
  OFFSET 0
) s;

CREATE TEMP TABLE agents ON COMMIT DROP AS
SELECT home_region AS region,
       row_number() OVER (PARTITION BY home_region ORDER BY id)::int AS pos,
       id AS user_id
FROM users WHERE is_agent;
SELECT count(*) FILTER (WHERE region = 'sydney') AS n_agents_sydney,
       count(*) FILTER (WHERE region = 'tokyo') AS n_agents_tokyo
FROM agents
\gset
ANALYZE agents;

-- ---------------------------------------------------------------------------------------
-- properties
-- ---------------------------------------------------------------------------------------
\echo shop-load: properties
INSERT INTO properties (id, owner_id, property_type, bedrooms, bathrooms, car_spaces,
                        floor_area_m2, land_area_m2, year_built, street_number, street_name,
                        suburb, city, state, postcode, country, latitude, longitude, price,
                        currency, description, created_at, updated_at)
SELECT id, owner_id, ptype, beds, baths, cars, floor_area, land_area, year_built,
       street_number, street_name, suburb, city, state, postcode, country, lat, lon, price,
       CASE country WHEN 'AU' THEN 'AUD' ELSE 'JPY' END,
       CASE
         WHEN ptype = 'land' AND country = 'AU' THEN
           'Rare ' || round(land_area) || ' sqm ' || pg_temp.pick(pg_temp.w('land_adj'), id, 140)
           || ' block in ' || suburb || '. ' || pg_temp.pick(pg_temp.w('land_au'), id, 141)
         WHEN ptype = 'land' THEN
           round(land_area) || ' sqm ' || pg_temp.pick(pg_temp.w('land_adj'), id, 140)
           || ' building plot, ' || walk_min || ' minutes on foot from ' || suburb || ' station. '
           || pg_temp.pick(pg_temp.w('land_jp'), id, 141)
         WHEN country = 'AU' THEN
           pg_temp.pick(pg_temp.w('adj'), id, 142) || ' ' || pg_temp.layout(country, ptype, beds)
           || ' ' || ptype || ' ' || pg_temp.pick(pg_temp.w('where_au'), id, 143) || ' ' || suburb
           || '. ' || pg_temp.pick(pg_temp.w('intro'), id, 144) || ' '
           || pg_temp.pick2(pg_temp.w('feat_au'), id, 145) || '.'
           || CASE WHEN pg_temp.u(id, 147) < 0.65
                   THEN ' ' || pg_temp.pick(pg_temp.w('close_au'), id, 148) ELSE '' END
         ELSE
           pg_temp.pick(pg_temp.w('adj'), id, 142) || ' ' || pg_temp.layout(country, ptype, beds)
           || ' ' || ptype || ', ' || walk_min || ' minutes on foot from ' || suburb
           || ' station. ' || pg_temp.pick(pg_temp.w('intro'), id, 144) || ' '
           || pg_temp.pick2(pg_temp.w('feat_jp'), id, 145) || '.'
           || CASE WHEN pg_temp.u(id, 147) < 0.65
                   THEN ' ' || pg_temp.pick(pg_temp.w('close_jp'), id, 148) ELSE '' END
       END,
       created_at,
       pg_temp.ts(created_at, '2025-06-30 23:59:59+00', pg_temp.u(id, 149) ^ 3)
FROM (
  SELECT b.*,
         CASE WHEN ptype = 'land' THEN 0
              ELSE greatest(1, least(beds, floor(beds * 0.5 + pg_temp.u(id, 111) * 1.5)::int)) END
           AS baths,
         CASE WHEN ptype = 'land' THEN 0
              WHEN ptype = 'apartment' AND country = 'AU' THEN (pg_temp.u(id, 112) < 0.7)::int
              WHEN ptype = 'apartment' THEN (pg_temp.u(id, 112) < 0.25)::int
              WHEN ptype = 'house' AND country = 'AU' THEN 1 + floor(pg_temp.u(id, 112) * 2.5)::int
              WHEN ptype = 'house' THEN floor(pg_temp.u(id, 112) * 2)::int
              ELSE 1 + (pg_temp.u(id, 112) < 0.4)::int END AS cars,
         CASE WHEN ptype = 'land' THEN NULL
              ELSE round(((CASE ptype WHEN 'apartment' THEN 30 + 24 * beds
                                      WHEN 'house' THEN 70 + 38 * beds
                                      ELSE 55 + 30 * beds END)
                          * CASE country WHEN 'JP' THEN 0.75 ELSE 1 END
                          * exp(0.15 * pg_temp.z(id, 113)))::numeric, 1) END AS floor_area,
         CASE WHEN ptype = 'apartment' THEN NULL
              ELSE round(((CASE WHEN country = 'AU' AND ptype IN ('house', 'land') THEN 580
                                WHEN country = 'AU' THEN 210
                                WHEN ptype IN ('house', 'land') THEN 115
                                ELSE 75 END)
                          * exp(0.35 * pg_temp.z(id, 114)))::numeric,
                         CASE country WHEN 'AU' THEN 0 ELSE 2 END) END AS land_area,
         CASE WHEN ptype = 'land' THEN NULL
              ELSE (lo_year + floor(pg_temp.u(id, 115) ^ 0.7 * (2025 - lo_year)))::smallint END
           AS year_built,
         CASE WHEN country = 'AU' AND ptype = 'apartment' THEN
                (1 + floor(pg_temp.u(id, 116) ^ 1.5 * 60))::int || '/'
                || (1 + floor(pg_temp.u(id, 117) ^ 1.6 * 220))::int
              WHEN country = 'AU' THEN (1 + floor(pg_temp.u(id, 117) ^ 1.8 * 250))::int::text
              ELSE (1 + floor(pg_temp.u(id, 116) * 5))::int || '-'
                   || (1 + floor(pg_temp.u(id, 117) * 30))::int || '-'
                   || (1 + floor(pg_temp.u(id, 118) * 20))::int
                   || CASE WHEN ptype = 'apartment'
                           THEN '-' || (100 * (1 + floor(pg_temp.u(id, 119) ^ 1.4 * 15))
                                        + 1 + floor(pg_temp.u(id, 120) * 12))::int
                           ELSE '' END
         END AS street_number,
         CASE country WHEN 'AU' THEN pg_temp.pick(pg_temp.w('street_au'), id, 121)
                      ELSE pg_temp.pick(pg_temp.w('street_jp'), id, 121) END AS street_name,
         round((lat0 + (pg_temp.u(id, 122) - 0.5) * 0.018)::numeric, 6) AS lat,
         round((lon0 + (pg_temp.u(id, 123) - 0.5) * 0.022)::numeric, 6) AS lon,
         greatest(step, round((pg_temp.base_price(country, ptype) * factor
                               * greatest(0.55, 1 + 0.14 * (beds - CASE ptype
                                   WHEN 'house' THEN 3.5 WHEN 'apartment' THEN 2
                                   WHEN 'townhouse' THEN 3 WHEN 'land' THEN 0 ELSE 2.5 END))
                               * exp(0.30 * pg_temp.z(id, 124)))::numeric / step) * step) AS price,
         1 + floor(pg_temp.u(id, 130) ^ 1.3 * 18)::int AS walk_min
  FROM (
    SELECT a.*,
           CASE ptype
             WHEN 'land' THEN 0
             WHEN 'apartment' THEN CASE WHEN r_beds < 0.06 THEN 0 WHEN r_beds < 0.36 THEN 1
                                        WHEN r_beds < 0.80 THEN 2 WHEN r_beds < 0.97 THEN 3
                                        ELSE 4 END
             WHEN 'house' THEN CASE WHEN r_beds < 0.08 THEN 2 WHEN r_beds < 0.42 THEN 3
                                    WHEN r_beds < 0.78 THEN 4 WHEN r_beds < 0.95 THEN 5
                                    ELSE 6 END
             WHEN 'villa' THEN CASE WHEN r_beds < 0.5 THEN 2 ELSE 3 END
             ELSE CASE WHEN r_beds < 0.30 THEN 2 WHEN r_beds < 0.82 THEN 3 ELSE 4 END
           END AS beds,
           CASE WHEN country = 'JP' THEN 1972 WHEN ptype = 'terrace' THEN 1880
                WHEN ptype = 'house' THEN 1905 ELSE 1965 END AS lo_year,
           CASE country WHEN 'AU' THEN 5000 ELSE 100000 END AS step
    FROM (
      SELECT g.id,
             1 + floor(pg_temp.u(g.id, 100) * :n_users)::bigint AS owner_id,
             l.country, l.suburb, l.city, l.state, l.postcode, l.lat AS lat0, l.lon AS lon0,
             l.factor,
             CASE WHEN l.country = 'AU' THEN
                    CASE WHEN r_type < 0.46 THEN 'house' WHEN r_type < 0.78 THEN 'apartment'
                         WHEN r_type < 0.88 THEN 'townhouse' WHEN r_type < 0.94 THEN 'terrace'
                         WHEN r_type < 0.98 THEN 'villa' ELSE 'land' END
                  ELSE
                    CASE WHEN r_type < 0.62 THEN 'apartment' WHEN r_type < 0.90 THEN 'house'
                         WHEN r_type < 0.95 THEN 'townhouse' ELSE 'land' END
             END AS ptype,
             pg_temp.u(g.id, 103) AS r_beds,
             pg_temp.ts('2018-01-01 00:00:00+00', '2025-06-30 00:00:00+00',
                        pg_temp.u(g.id, 104) ^ 0.8) AS created_at
      FROM (SELECT id, pg_temp.u(id, 102) AS r_type,
                   1 + floor(pg_temp.u(id, 101) * :n_loc)::int AS loc_id
            FROM generate_series(1, :n_properties) AS id
            OFFSET 0) g
      JOIN loc l ON l.id = g.loc_id
      OFFSET 0
    ) a
    OFFSET 0
  ) b
  OFFSET 0
) c;

-- ---------------------------------------------------------------------------------------
-- listings: about one property in two has been listed; the agent works in the property's
-- country. 30% active, 52% sold, 18% withdrawn.
-- ---------------------------------------------------------------------------------------
\echo shop-load: listings
INSERT INTO listings (id, property_id, agent_id, status, sale_method, list_price, currency,
                      headline, view_count, listed_at, closed_at)
SELECT id, property_id, agent_id, status, sale_method, list_price, currency,
       CASE
         WHEN ptype = 'land' THEN
           CASE country WHEN 'AU' THEN 'Vacant land: ' ELSE 'Building plot: ' END
           || round(land_area) || ' sqm in ' || suburb
         WHEN country = 'AU' THEN
           CASE tpl
             WHEN 0 THEN pg_temp.pick(pg_temp.w('adj'), id, 220) || ' ' || layout || ' ' || ptype
                         || ' in ' || suburb
             WHEN 1 THEN CASE sale_method WHEN 'auction' THEN 'Auction: ' ELSE 'For sale: ' END
                         || layout || ' ' || ptype || ' on ' || street_name
             WHEN 2 THEN 'Price guide ' || pg_temp.money_text(list_price, country) || ' - '
                         || suburb || ' ' || ptype
             WHEN 3 THEN suburb || ' ' || ptype || ' with '
                         || pg_temp.pick(pg_temp.w('feat_au'), id, 221)
             ELSE 'Just listed: ' || lower(pg_temp.pick(pg_temp.w('adj'), id, 220)) || ' '
                  || ptype || ' near ' || suburb || ' shops'
           END
         ELSE
           CASE tpl
             WHEN 0 THEN layout || ' ' || ptype || ' in ' || suburb || ', ' || city
             WHEN 1 THEN 'New listing: ' || suburb || ' ' || layout || ', ' || walk_min
                         || ' min to station'
             WHEN 2 THEN pg_temp.money_text(list_price, country) || ' ' || ptype || ' in ' || city
             WHEN 3 THEN pg_temp.pick(pg_temp.w('adj'), id, 220) || ' ' || layout || ' near '
                         || suburb || ' station'
             ELSE suburb || ' ' || layout || ' with ' || pg_temp.pick(pg_temp.w('feat_jp'), id, 221)
           END
       END,
       view_count, listed_at,
       CASE WHEN status = 'active' THEN NULL
            ELSE least(timestamptz '2025-06-30 23:59:59+00',
                       listed_at + interval '1 day' * (10 + 110 * pg_temp.u(id, 230))) END
FROM (
  SELECT s.*,
         pg_temp.layout(country, ptype, beds) AS layout,
         round((price * (0.96 + 0.10 * pg_temp.u(id, 212)))::numeric / step) * step AS list_price,
         CASE WHEN status = 'active'
              THEN greatest(created_at,
                            timestamptz '2025-06-30 00:00:00+00'
                            - interval '1 day' * (120 * pg_temp.u(id, 213)))
              ELSE pg_temp.ts(created_at, greatest(created_at, '2025-06-20 00:00:00+00'),
                              0.9 * pg_temp.u(id, 213)) END
           AS listed_at
  FROM (
    SELECT g.id, p.id AS property_id, coalesce(a.user_id, 1) AS agent_id,
           p.country, p.property_type AS ptype, p.bedrooms AS beds, p.land_area_m2 AS land_area,
           p.suburb, p.city, p.street_name, p.price, p.created_at,
           1 + floor(pg_temp.u(p.id, 130) ^ 1.3 * 18)::int AS walk_min,
           CASE WHEN g.r_status < 0.30 THEN 'active' WHEN g.r_status < 0.82 THEN 'sold'
                ELSE 'withdrawn' END AS status,
           CASE WHEN p.country = 'JP' THEN
                  CASE WHEN pg_temp.u(g.id, 204) < 0.92 THEN 'private_treaty'
                       ELSE 'expression_of_interest' END
                WHEN pg_temp.u(g.id, 204) < 0.40 THEN 'auction'
                WHEN pg_temp.u(g.id, 204) < 0.90 THEN 'private_treaty'
                ELSE 'expression_of_interest' END AS sale_method,
           CASE p.country WHEN 'AU' THEN 'AUD' ELSE 'JPY' END AS currency,
           CASE p.country WHEN 'AU' THEN 5000 ELSE 100000 END AS step,
           floor(pg_temp.u(g.id, 205) * 5)::int AS tpl,
           floor(15 + exp(2.5 + 4.5 * pg_temp.u(g.id, 206)))::int AS view_count
    FROM (SELECT id, pg_temp.u(id, 203) AS r_status,
                 1 + ((2 * (id - 1) + (pg_temp.u(id, 201) < 0.5)::int) % :n_properties)
                   AS property_id,
                 pg_temp.u(id, 202) AS r_agent
          FROM generate_series(1, :n_listings) AS id
          OFFSET 0) g
    JOIN properties p ON p.id = g.property_id
    LEFT JOIN agents a
      ON a.region = CASE p.country WHEN 'AU' THEN 'sydney' ELSE 'tokyo' END
     AND a.pos = 1 + floor(g.r_agent * CASE p.country WHEN 'AU' THEN :n_agents_sydney
                                                      ELSE :n_agents_tokyo END)::int
    OFFSET 0
  ) s
  OFFSET 0
) t;

-- ---------------------------------------------------------------------------------------
-- transactions: against sold listings first (then any listing, only at odd tiny scales);
-- the sale price lands near the list price.
-- ---------------------------------------------------------------------------------------
\echo shop-load: transactions
CREATE TEMP TABLE sold ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY l.status <> 'sold', l.id)::bigint AS pos,
       l.id AS listing_id, l.status, l.list_price, l.currency, l.listed_at, l.closed_at,
       p.country
FROM listings l JOIN properties p ON p.id = l.property_id;
ANALYZE sold;

INSERT INTO transactions (id, listing_id, buyer_id, amount, currency, status, reference,
                          occurred_at, settled_at)
SELECT id, listing_id, buyer_id, amount, currency, status,
       country || '-' || to_char(occurred_at, 'YYYYMMDD') || '-' || lpad(id::text, 7, '0'),
       occurred_at,
       CASE WHEN status = 'settled' THEN occurred_at + interval '1 day' * settle_days END
FROM (
  SELECT s.*,
         CASE WHEN pg_temp.u(id, 303) < 0.04 THEN 'cancelled'
              WHEN listing_status <> 'sold' OR pg_temp.u(id, 303) < 0.10
                   OR occurred_at + interval '1 day' * settle_days > timestamptz '2025-06-30 23:59:59+00'
                THEN 'pending'
              ELSE 'settled' END AS status
  FROM (
    SELECT g.id, s.listing_id, s.status AS listing_status, s.currency, s.country,
           1 + floor(pg_temp.u(g.id, 301) * :n_users)::bigint AS buyer_id,
           round((s.list_price * (0.92 + 0.13 * pg_temp.u(g.id, 302)))::numeric
                 / CASE s.country WHEN 'AU' THEN 1000 ELSE 10000 END)
             * CASE s.country WHEN 'AU' THEN 1000 ELSE 10000 END AS amount,
           coalesce(s.closed_at, s.listed_at + interval '1 day' * (7 + 60 * pg_temp.u(g.id, 304)))
             AS occurred_at,
           CASE s.country WHEN 'AU' THEN 42 ELSE 30 END AS settle_days
    FROM generate_series(1, :n_transactions) AS g(id)
    JOIN sold s ON s.pos = 1 + (g.id - 1) % :n_listings
    OFFSET 0
  ) s
  OFFSET 0
) t;

-- ---------------------------------------------------------------------------------------
-- searches: mostly in the user's own region; heavy users search more.
-- ---------------------------------------------------------------------------------------
\echo shop-load: searches
INSERT INTO searches (id, user_id, query, filters, result_count, source, created_at)
SELECT id, user_id,
       CASE WHEN pg_temp.u(id, 330) < 0.35 THEN lower(query) ELSE query END,
       jsonb_strip_nulls(jsonb_build_object(
         'country', country,
         'suburb', CASE WHEN country = 'AU' AND tpl <> 7 OR country = 'JP' AND tpl IN (0, 1, 2, 5, 6)
                        THEN suburb END,
         'city', CASE WHEN country = 'AU' AND tpl = 7 OR country = 'JP' AND tpl IN (3, 4, 7)
                      THEN city END,
         'property_type', CASE WHEN country = 'AU' AND tpl IN (0, 1, 3, 4, 5, 7)
                                 OR country = 'JP' AND tpl IN (1, 3, 4, 7) THEN stype END,
         'min_bedrooms', CASE WHEN country = 'AU' AND tpl IN (0, 2, 4)
                                OR country = 'JP' AND tpl IN (0, 3, 7) THEN sbeds END,
         'max_price', CASE WHEN country = 'AU' AND tpl IN (0, 7)
                             OR country = 'JP' AND tpl IN (1, 7) THEN max_price END,
         'currency', CASE WHEN country = 'AU' AND tpl IN (0, 7) THEN 'AUD'
                          WHEN country = 'JP' AND tpl IN (1, 7) THEN 'JPY' END,
         'near_transport', CASE WHEN country = 'AU' AND tpl = 4 THEN true END,
         'max_walk_minutes', CASE WHEN country = 'JP' AND tpl = 2 THEN walk_min END,
         'pets_allowed', CASE WHEN tpl = 5 THEN true END,
         'max_age_years', CASE WHEN country = 'JP' AND tpl = 4 THEN 5 END,
         'sort', pg_temp.pick(pg_temp.w('sort'), id, 331))),
       CASE WHEN pg_temp.u(id, 332) < 0.07 THEN 0
            ELSE floor(exp(6.5 * pg_temp.u(id, 333)))::int END,
       CASE WHEN pg_temp.u(id, 334) < 0.45 THEN 'web'
            WHEN pg_temp.u(id, 334) < 0.80 THEN 'ios' ELSE 'android' END,
       pg_temp.ts(user_created_at, '2025-06-30 23:59:59+00', pg_temp.u(id, 335) ^ 0.5)
FROM (
  SELECT s.*,
         CASE WHEN country = 'AU' THEN
           CASE tpl
             WHEN 0 THEN sbeds || ' bedroom ' || stype || ' in ' || suburb || ' under ' || price_text
             WHEN 1 THEN stype || ' ' || suburb
             WHEN 2 THEN suburb || ' ' || sbeds || ' bed'
             WHEN 3 THEN stype || 's for sale in ' || suburb
             WHEN 4 THEN sbeds || 'br ' || stype || ' near ' || suburb || ' station'
             WHEN 5 THEN 'pet friendly ' || stype || ' ' || suburb
             WHEN 6 THEN suburb
             ELSE stype || ' ' || city || ' under ' || price_text
           END
         ELSE
           CASE tpl
             WHEN 0 THEN sbeds || 'LDK ' || suburb
             WHEN 1 THEN stype || ' in ' || suburb || ' under ' || price_text
             WHEN 2 THEN suburb || ' station ' || walk_min || ' min walk'
             WHEN 3 THEN city || ' ' || stype || ' ' || sbeds || 'LDK'
             WHEN 4 THEN 'new build ' || stype || ' ' || city
             WHEN 5 THEN suburb || ' pet friendly'
             WHEN 6 THEN suburb
             ELSE sbeds || 'LDK ' || stype || ' ' || city || ' under ' || price_text
           END
         END AS query
  FROM (
    SELECT r.*, pg_temp.money_text(max_price, country) AS price_text
    FROM (
      SELECT q.*,
             round((pg_temp.base_price(country, stype) * factor * (0.8 + 0.6 * pg_temp.u(id, 325))
                    * (1 + 0.12 * (sbeds - 2)))::numeric
                   / CASE WHEN country = 'JP' THEN 5000000 ELSE 50000 END)
               * CASE WHEN country = 'JP' THEN 5000000 ELSE 50000 END AS max_price
      FROM (
        SELECT g.id, g.user_id, u.created_at AS user_created_at, l.country, l.suburb, l.city,
               l.factor, g.tpl,
               CASE l.country WHEN 'AU' THEN pg_temp.pick(pg_temp.w('stype_au'), g.id, 321)
                              ELSE pg_temp.pick(pg_temp.w('stype_jp'), g.id, 321) END AS stype,
               1 + floor(pg_temp.u(g.id, 322) ^ 0.9 * 4)::int AS sbeds,
               (1 + floor(pg_temp.u(g.id, 323) * 3)::int) * 5 AS walk_min
        FROM (SELECT id, 1 + floor(pg_temp.u(id, 311) ^ 1.3 * :n_users)::bigint AS user_id,
                     pg_temp.u(id, 312) AS r_region, pg_temp.u(id, 313) AS r_loc,
                     floor(pg_temp.u(id, 314) * 8)::int AS tpl
              FROM generate_series(1, :n_searches) AS id
              OFFSET 0) g
        JOIN users u ON u.id = g.user_id
        JOIN loc l
          ON l.region = CASE WHEN g.r_region < 0.85 THEN u.home_region
                             WHEN u.home_region = 'sydney' THEN 'tokyo' ELSE 'sydney' END
         AND l.pos = 1 + floor(g.r_loc * CASE WHEN (g.r_region < 0.85) = (u.home_region = 'sydney')
                                              THEN :n_loc_sydney ELSE :n_loc_tokyo END)::int
        OFFSET 0
      ) q
      OFFSET 0
    ) r
    OFFSET 0
  ) s
  OFFSET 0
) t;

-- ---------------------------------------------------------------------------------------
-- alerts: saved searches that notify by email or push.
-- ---------------------------------------------------------------------------------------
\echo shop-load: alerts
INSERT INTO alerts (id, user_id, kind, criteria, frequency, active, created_at, last_sent_at)
SELECT id, user_id, kind,
       CASE WHEN country = 'AU' THEN
         CASE kind
           WHEN 'new_listing' THEN sbeds || '+ bed ' || stype || ' in ' || suburb
                                   || CASE WHEN pg_temp.u(id, 420) < 0.6
                                           THEN ' up to ' || pg_temp.money_text(max_price, country)
                                           ELSE '' END
           WHEN 'price_drop' THEN 'Price drops on ' || stype || 's in ' || suburb
           WHEN 'sold_nearby' THEN 'Sold results within '
                                   || (1 + floor(pg_temp.u(id, 421) * 3)::int * 2) || ' km of ' || suburb
           ELSE 'Open homes in ' || suburb || ' this weekend'
         END
       ELSE
         CASE kind
           WHEN 'new_listing' THEN sbeds || 'LDK+ ' || stype || ' in ' || suburb || ', within '
                                   || (1 + floor(pg_temp.u(id, 421) * 3)::int) * 5
                                   || ' min of the station'
           WHEN 'price_drop' THEN 'Price drops: ' || stype || 's in ' || city
           ELSE 'Recently sold near ' || suburb || ' station'
         END
       END,
       frequency, active, created_at,
       CASE WHEN pg_temp.u(id, 422) < 0.12 THEN NULL
            ELSE pg_temp.ts(created_at, '2025-06-30 23:59:59+00',
                            CASE WHEN active THEN 1 - 0.02 * pg_temp.u(id, 423)
                                 ELSE pg_temp.u(id, 423) END) END
FROM (
  SELECT q.*,
         round((pg_temp.base_price(country, stype) * factor * (0.8 + 0.6 * pg_temp.u(id, 410)))::numeric
               / CASE WHEN country = 'JP' THEN 5000000 ELSE 50000 END)
           * CASE WHEN country = 'JP' THEN 5000000 ELSE 50000 END AS max_price
  FROM (
    SELECT g.id, g.user_id, l.country, l.suburb, l.city, l.factor,
           CASE WHEN g.r_kind < 0.50 THEN 'new_listing' WHEN g.r_kind < 0.75 THEN 'price_drop'
                WHEN g.r_kind < 0.90 OR l.country = 'JP' THEN 'sold_nearby'
                ELSE 'open_home' END AS kind,
           CASE l.country WHEN 'AU' THEN pg_temp.pick(pg_temp.w('stype_au'), g.id, 402)
                          ELSE pg_temp.pick(pg_temp.w('stype_jp'), g.id, 402) END AS stype,
           1 + floor(pg_temp.u(g.id, 403) ^ 0.9 * 4)::int AS sbeds,
           CASE WHEN pg_temp.u(g.id, 404) < 0.30 THEN 'instant'
                WHEN pg_temp.u(g.id, 404) < 0.80 THEN 'daily' ELSE 'weekly' END AS frequency,
           pg_temp.u(g.id, 405) < 0.78 AS active,
           pg_temp.ts(u.created_at, '2025-06-25 00:00:00+00', pg_temp.u(g.id, 406) ^ 0.7)
             AS created_at
    FROM (SELECT id, 1 + floor(pg_temp.u(id, 401) * :n_users)::bigint AS user_id,
                 pg_temp.u(id, 407) AS r_region, pg_temp.u(id, 408) AS r_loc,
                 pg_temp.u(id, 409) AS r_kind
          FROM generate_series(1, :n_alerts) AS id
          OFFSET 0) g
    JOIN users u ON u.id = g.user_id
    JOIN loc l
      ON l.region = CASE WHEN g.r_region < 0.92 THEN u.home_region
                         WHEN u.home_region = 'sydney' THEN 'tokyo' ELSE 'sydney' END
     AND l.pos = 1 + floor(g.r_loc * CASE WHEN (g.r_region < 0.92) = (u.home_region = 'sydney')
                                          THEN :n_loc_sydney ELSE :n_loc_tokyo END)::int
    OFFSET 0
  ) q
  OFFSET 0
) t;

-- Let the application insert new rows after the loaded ids.
SELECT setval(pg_get_serial_sequence('users', 'id'), max(id)) FROM users \g /dev/null
SELECT setval(pg_get_serial_sequence('properties', 'id'), max(id)) FROM properties \g /dev/null
SELECT setval(pg_get_serial_sequence('listings', 'id'), max(id)) FROM listings \g /dev/null
SELECT setval(pg_get_serial_sequence('searches', 'id'), max(id)) FROM searches \g /dev/null
SELECT setval(pg_get_serial_sequence('transactions', 'id'), max(id)) FROM transactions \g /dev/null
SELECT setval(pg_get_serial_sequence('alerts', 'id'), max(id)) FROM alerts \g /dev/null

COMMIT;

\echo shop-load: analyze
ANALYZE users, properties, listings, searches, transactions, alerts;

\echo shop-load: done
