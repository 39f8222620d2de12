#include "schema/indicators.h"

#include "schema/key_value_text.h"

extern "C" {
extern const char simpul_indicators_kepmensos262_begin[];
extern const char simpul_indicators_kepmensos262_end[];
extern const char simpul_indicators_bps14_begin[];
extern const char simpul_indicators_bps14_end[];
}

namespace simpul::schema {

const Indicator* IndicatorSet::Find(std::string_view code) const {
  for (const auto& i : items)
    if (i.code == code) return &i;
  return nullptr;
}

Result<IndicatorSet> ParseIndicatorSet(std::string_view text) {
  IndicatorSet set;
  set.text = std::string(text);
  int line_no = 0;
  size_t pos = 0;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("indicator set line " + std::to_string(line_no) + ": " + why)
        .WithField("indicator_set");
  };
  if (text.size() > 1 << 20) return Status::ResourceExhausted("indicator set larger than 1 MiB");
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad("expected 'key = value'");
    std::string key(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    Indicator* item = set.items.empty() ? nullptr : &set.items.back();
    if (key == "set") {
      if (!IsCode(value)) return bad("set id must be lower-case letters, digits, - or _");
      set.id = value;
    } else if (key == "version") {
      double v;
      if (!ParseNumber(std::string(value), &v) || v < 1 || v > 1e6 || v != static_cast<int>(v))
        return bad("version must be a positive whole number");
      set.version = static_cast<int>(v);
    } else if (key == "title") {
      set.title = value;
    } else if (key == "source") {
      set.source = value;
    } else if (key == "auto_band") {
      set.auto_band = value;
    } else if (key == "band") {
      auto p = SplitBar(value);
      ScoreBand b;
      if (p.size() != 5 || !ParseNumber(p[0], &b.min) || !ParseNumber(p[1], &b.max) ||
          b.max <= b.min || !IsCode(p[2]))
        return bad("band = MIN | MAX | code | label id | label en");
      b.code = p[2];
      b.label_id = p[3];
      b.label_en = p[4];
      set.bands.push_back(std::move(b));
    } else if (key == "item") {
      if (!IsCode(value)) return bad("item code must be lower-case letters, digits, - or _");
      if (set.Find(value)) return bad("duplicate item " + std::string(value));
      set.items.push_back(Indicator{std::string(value), {}, {}, 1, {}, std::nullopt});
    } else if (!item) {
      return bad("'" + key + "' before the first item");
    } else if (key == "text_id") {
      item->text_id = value;
    } else if (key == "text_en") {
      item->text_en = value;
    } else if (key == "weight") {
      if (!ParseNumber(std::string(value), &item->weight)) return bad("weight must be a number");
    } else if (key == "auto_qualify") {
      item->auto_qualify = std::string(value);
    } else if (key == "option") {
      auto p = SplitBar(value);
      IndicatorOption o;
      if (p.size() != 4 || !IsCode(p[0]) || !ParseNumber(p[1], &o.score))
        return bad("option = code | score | label id | label en");
      o.code = p[0];
      o.label_id = p[2];
      o.label_en = p[3];
      for (const auto& existing : item->options)
        if (existing.code == o.code) return bad("duplicate option " + o.code);
      item->options.push_back(std::move(o));
    } else {
      return bad("unknown key '" + key + "'");
    }
  }
  line_no = 0;
  if (set.id.empty()) return bad("missing 'set'");
  if (set.version == 0) return bad("missing 'version'");
  if (set.items.empty()) return bad("no items");
  for (const auto& i : set.items) {
    if (i.options.size() < 2) return bad("item " + i.code + " needs at least two options");
    if (i.auto_qualify) {
      bool ok = false;
      for (const auto& o : i.options) ok |= o.code == *i.auto_qualify;
      if (!ok) return bad("item " + i.code + ": auto_qualify names no option");
      if (set.auto_band.empty()) return bad("auto_qualify needs auto_band");
    }
  }
  return set;
}

Status ValidateAnswers(const IndicatorSet& set, const Answers& answers) {
  const std::string set_name = set.id + " v" + std::to_string(set.version);
  for (const auto& [item_code, option_code] : answers) {
    const Indicator* item = set.Find(item_code);
    if (!item)
      return Status::InvalidArgument("unknown indicator " + item_code)
          .WithField("indicators")
          .WithMsg(MsgId::kIndicatorUnknown, {item_code, set_name});
    bool ok = false;
    std::string choices;
    for (const auto& o : item->options) {
      ok |= o.code == option_code;
      choices += (choices.empty() ? "" : ", ") + o.code;
    }
    if (!ok)
      return Status::InvalidArgument("bad answer for " + item_code)
          .WithField("indicators")
          .WithMsg(MsgId::kIndicatorAnswer, {item_code, option_code, choices});
  }
  return Status::Ok();
}

ScoreResult ComputeScore(const IndicatorSet& set, const Answers& answers) {
  ScoreResult r;
  for (const auto& item : set.items) {
    auto it = answers.find(item.code);
    if (it == answers.end()) continue;
    for (const auto& o : item.options)
      if (o.code == it->second) {
        r.score += item.weight * o.score;
        ++r.answered;
        if (item.auto_qualify && *item.auto_qualify == o.code) r.auto_qualified = true;
      }
  }
  if (r.auto_qualified) {
    r.band = set.auto_band;
  } else {
    for (const auto& b : set.bands)
      if (r.score >= b.min && r.score < b.max) r.band = b.code;
  }
  return r;
}

std::string EncodeAnswers(const Answers& answers) {
  std::string out;
  for (const auto& [k, v] : answers) {
    if (!out.empty()) out += ';';
    out += k + "=" + v;
  }
  return out;
}

Result<Answers> DecodeAnswers(std::string_view encoded) {
  Answers out;
  size_t pos = 0;
  while (pos < encoded.size()) {
    size_t semi = encoded.find(';', pos);
    if (semi == std::string_view::npos) semi = encoded.size();
    std::string_view pair = encoded.substr(pos, semi - pos);
    pos = semi + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos || !IsCode(pair.substr(0, eq)) || !IsCode(pair.substr(eq + 1)))
      return Status::InvalidArgument("answers must be item=option pairs separated by ';'")
          .WithField("indicators");
    out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
  }
  return out;
}

std::vector<std::string_view> BuiltinIndicatorSets() {
  return {
      {simpul_indicators_kepmensos262_begin,
       static_cast<size_t>(simpul_indicators_kepmensos262_end - simpul_indicators_kepmensos262_begin)},
      {simpul_indicators_bps14_begin,
       static_cast<size_t>(simpul_indicators_bps14_end - simpul_indicators_bps14_begin)},
  };
}

}  // namespace simpul::schema
