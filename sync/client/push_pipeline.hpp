#pragma once
// Pushes of outbox batches, up to kMaxPushesInFlight under way at once. A
// push starts beside others only when its batch touches no record any of
// theirs touches (OutboxName::independentOf: they are the batches sealed
// right before it): the server merges each record's changes in the order the
// kiosk made them, so no false conflict is ever recorded, and answers are
// taken oldest first, so the spool acknowledges batches in order. Each push
// under way has a channel of its own (the channel's companion()s); a channel
// without companions pushes one batch at a time.
//
// Used by one thread (syncSpool's); each push runs on a thread of its own.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sync/client/server_channel.hpp"
#include "sync/client/spool_files.hpp"

namespace chasqui::sync {

// Three keep a server's two halves (its own work, then the database's) busy
// on both sides of every round trip; two left a sixth of the CPUs idle.
constexpr std::size_t kMaxPushesInFlight = 3;

// What the server's answer to one batch of `sent` changes says (-1: not
// known, a legacy file name). An answer that does not account for every
// change sent is refused: acknowledging the batch could lose the changes it
// left out.
struct PushTally {
    int pushed = 0;
    int duplicates = 0;
    std::vector<PushItem> problems;
};
SyncResult<PushTally> tallyAnswer(const std::vector<PushItem>& items, std::int64_t sent);

class PushPipeline {
public:
    // `onAnswer` runs on a push's thread once its answer can be taken.
    explicit PushPipeline(ServerChannel& channel, std::function<void()> onAnswer = {})
        : m_channel(channel), m_onAnswer(std::move(onAnswer)) {}
    // Waits for the pushes still under way; their answers are dropped (the
    // batches stay queued, and the server counts them as duplicates next time).
    ~PushPipeline();
    PushPipeline(const PushPipeline&) = delete;
    PushPipeline& operator=(const PushPipeline&) = delete;

    bool empty() const { return m_flying.empty(); }
    std::size_t size() const { return m_flying.size(); }
    // The oldest push's answer has come (takeOldest will not wait).
    bool oldestArrived() const;
    // True when `next` may start now: nothing is under way, or fewer than
    // kMaxPushesInFlight batches it is independent of, and a channel is free.
    bool mayStart(const OutboxName& next);
    // Starts pushing `body` (the file's content). Call only when mayStart.
    void start(std::filesystem::path file, const OutboxName& name, std::string body);

    struct Answer {
        std::filesystem::path file;
        OutboxName name;
        SyncResult<std::vector<PushItem>> items;
        ServerChannel* via = nullptr;  // for the server time it told
    };
    // The oldest push's answer, once it has come. Call only when !empty().
    Answer takeOldest();

private:
    struct InFlight {
        std::filesystem::path file;
        OutboxName name;
        ServerChannel* via = nullptr;
        std::future<SyncResult<std::vector<PushItem>>> answer;
        std::thread thread;  // joined before the answer is taken
    };
    // A channel no push under way uses: m_channel, or a companion of it
    // (made when first needed); nullptr when there is none to be had.
    ServerChannel* freeChannel();

    ServerChannel& m_channel;
    std::function<void()> m_onAnswer;
    std::vector<std::unique_ptr<ServerChannel>> m_companions;
    bool m_noCompanion = false;  // m_channel.companion() gave none
    std::deque<InFlight> m_flying;
};

}  // namespace chasqui::sync
