// C and C++ references for JSONCodec's number reading and writing, on the numbers JSONCodecBench times:
// 131 072 SplitMix64 uniforms in [-10, 10) (16-17 significant digits, `large`) and 131 072 values with 8
// decimals in (-2, 2) (`short`, the seed example's shape), made by the same generator, and the softmax of
// `large` (`answer`, the service's answer to the `large` request, such as 7.0459558397441e-06).
//
// Reading: glibc strtod, fast_float::from_chars (Lemire), double-conversion's StringToDouble, each over
// the text `n,n,...` (spelled shortest, as JSONCodec writes these values). Writing: snprintf("%.17g")
// (not shortest: always 17 digits), std::to_chars (shortest, libstdc++'s Ryu), double-conversion's
// ToShortest (Grisu3 with a Bignum fallback). Best and median of 31 runs, ns per number.
//
// With the environment variable LARGE_PAYLOAD naming run.sh's payloads/large.json (`{"logits":[...]}`,
// 131 072 Gaussian logits with sigma 3), two more sets: `payload` (those numbers, as the server reads
// them) and `payload-answer` (their softmax, as the server writes its answer).
//
// Build and run with run.sh beside this file (Debian: libfast-float-dev, libdouble-conversion-dev).
// `reference MODE` for instruction counts runs one routine 10 times over the large set:
// strtod, fast_float, snprintf, to_chars, dc-shortest, dc-read, or setup.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <double-conversion/double-conversion.h>
#include <fast_float/fast_float.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next() {
    state += 0x9E3779B97F4A7C15ull;
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const size_t count = 131072;
static volatile double sink;

// The values joined by commas, spelled shortest (std::to_chars), with a NUL at the end for strtod.
static std::string join(const std::vector<double>& values) {
    std::string text;
    char digits[32];
    for (double v : values) {
        auto r = std::to_chars(digits, digits + sizeof digits, v);
        text.append(digits, r.ptr);
        text.push_back(',');
    }
    return text;
}

static void readStrtod(const std::string& text, std::vector<double>& out) {
    const char* p = text.c_str();
    for (size_t i = 0; i < out.size(); i++) {
        char* end;
        out[i] = strtod(p, &end);
        p = end + 1;
    }
}

static void readFastFloat(const std::string& text, std::vector<double>& out) {
    const char* p = text.data();
    const char* last = p + text.size();
    for (size_t i = 0; i < out.size(); i++) {
        auto r = fast_float::from_chars(p, last, out[i]);
        p = r.ptr + 1;
    }
}

static const double_conversion::StringToDoubleConverter reader(
    double_conversion::StringToDoubleConverter::ALLOW_TRAILING_JUNK, 0.0, 0.0, nullptr, nullptr);

static void readDoubleConversion(const std::string& text, std::vector<double>& out) {
    const char* p = text.data();
    const char* last = p + text.size();
    for (size_t i = 0; i < out.size(); i++) {
        int used = 0;
        out[i] = reader.StringToDouble(p, int(last - p), &used);
        p += used + 1;
    }
}

static size_t writeSnprintf(const std::vector<double>& values, char* buffer) {
    char* w = buffer;
    for (double v : values) {
        w += snprintf(w, 32, "%.17g", v);
        *w++ = ',';
    }
    return w - buffer;
}

static size_t writeToChars(const std::vector<double>& values, char* buffer) {
    char* w = buffer;
    for (double v : values) {
        w = std::to_chars(w, w + 32, v).ptr;
        *w++ = ',';
    }
    return w - buffer;
}

static size_t writeDoubleConversion(const std::vector<double>& values, char* buffer) {
    const auto& converter = double_conversion::DoubleToStringConverter::EcmaScriptConverter();
    double_conversion::StringBuilder builder(buffer, int(values.size() * 32));
    for (double v : values) {
        converter.ToShortest(v, &builder);
        builder.AddCharacter(',');
    }
    size_t n = builder.position();
    builder.Finalize();
    return n;
}

// The numbers of a `{"logits":[...]}` file, read with strtod (correctly rounded).
static std::vector<double> payloadNumbers(const char* path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    std::string text = content.str();
    std::vector<double> values;
    size_t at = text.find('[');
    if (at == std::string::npos) return values;
    const char* p = text.c_str() + at + 1;
    while (*p && *p != ']') {
        char* end;
        values.push_back(strtod(p, &end));
        if (end == p) break;
        p = *end == ',' ? end + 1 : end;
    }
    return values;
}

static std::vector<double> softmax(const std::vector<double>& x) {
    double largest = *std::max_element(x.begin(), x.end()), total = 0;
    std::vector<double> out;
    for (double v : x) out.push_back(exp(v - largest));
    for (double v : out) total += v;
    for (double& v : out) v /= total;
    return out;
}

template <typename F>
static void timed(const char* what, F body, double perNumber) {
    std::vector<double> times;
    for (int r = 0; r < 31; r++) {
        double t0 = now();
        body();
        times.push_back(now() - t0);
    }
    std::sort(times.begin(), times.end());
    printf("  %-34s %7.1f / %7.1f ns\n", what, times[0] * perNumber, times[15] * perNumber);
}

int main(int argc, char** argv) {
    std::vector<double> large, shortSet;
    for (size_t i = 0; i < count; i++) large.push_back(double(next() >> 11) / double(1ull << 53) * 20 - 10);
    for (size_t i = 0; i < count; i++) {
        double unit = double(next() >> 11) / double(1ull << 53);
        shortSet.push_back(double(int64_t(unit * 4e8) - 200000000) / 1e8);
    }
    std::vector<double> answer = softmax(large);
    std::vector<char> buffer(count * 32 + 64);
    std::vector<double> out(count);
    const char* mode = argc > 1 ? argv[1] : nullptr;
    if (mode) {
        std::string text = join(large);
        std::string which = mode;
        for (int r = 0; r < 10; r++) {
            if (which == "strtod") readStrtod(text, out);
            else if (which == "fast_float") readFastFloat(text, out);
            else if (which == "dc-read") readDoubleConversion(text, out);
            else if (which == "snprintf") sink = writeSnprintf(large, buffer.data());
            else if (which == "to_chars") sink = writeToChars(large, buffer.data());
            else if (which == "dc-shortest") sink = writeDoubleConversion(large, buffer.data());
            else if (which != "setup") { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
        }
        return 0;
    }
    double perNumber = 1e9 / count;
    std::vector<std::pair<const char*, const std::vector<double>*>> sets = {
        {"large", &large}, {"short", &shortSet}, {"answer", &answer}};
    std::vector<double> payload, payloadAnswer;
    if (const char* path = getenv("LARGE_PAYLOAD")) {
        payload = payloadNumbers(path);
        if (payload.size() != count) {
            fprintf(stderr, "%s: expected %zu numbers, read %zu\n", path, count, payload.size());
            return 1;
        }
        payloadAnswer = softmax(payload);
        sets.push_back({"payload", &payload});
        sets.push_back({"payload-answer", &payloadAnswer});
    }
    for (auto [name, values] : sets) {
        std::string text = join(*values);
        printf("%s numbers (%zu bytes with commas), best / median of 31:\n", name, text.size());
        readStrtod(text, out);
        if (out != *values) { fprintf(stderr, "strtod disagrees\n"); return 1; }
        readFastFloat(text, out);
        if (out != *values) { fprintf(stderr, "fast_float disagrees\n"); return 1; }
        readDoubleConversion(text, out);
        if (out != *values) { fprintf(stderr, "double-conversion disagrees\n"); return 1; }
        timed("read strtod", [&] { readStrtod(text, out); }, perNumber);
        timed("read fast_float::from_chars", [&] { readFastFloat(text, out); }, perNumber);
        timed("read double-conversion", [&] { readDoubleConversion(text, out); }, perNumber);
        timed("write snprintf %.17g", [&] { sink = writeSnprintf(*values, buffer.data()); }, perNumber);
        timed("write std::to_chars (shortest)", [&] { sink = writeToChars(*values, buffer.data()); }, perNumber);
        timed("write double-conversion ToShortest", [&] { sink = writeDoubleConversion(*values, buffer.data()); },
              perNumber);
    }
    return 0;
}
